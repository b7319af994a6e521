// Between the store and the Dataset everything trains on: a dataset file loads into a store,
// and a store reads back as a Dataset snapshot of its current content.
#pragma once

#include "data/dataset.h"
#include "store/store.h"

namespace lmrec {

// Writes every item (with its catalogue entry), user attributes and interaction row of `data`
// into `store` in one transaction, plus the dataset's flags (explicit values, real times).
void write_dataset(Store& store, const Dataset& data);

// The store's current content as a finalized Dataset: live (not deleted) items in insertion
// order, users in order of their first event, events in append order; events of deleted items
// are left out.
Dataset read_snapshot(Store& store);

}  // namespace lmrec
