// One thread setting drives OpenMP, OpenBLAS (its OpenMP build follows OpenMP) and, where
// linked, libtorch.
#pragma once

namespace lmrec {

// Sets the number of worker threads; 0 means all hardware threads. Returns the count used.
int set_threads(int n);
int thread_count();

}  // namespace lmrec
