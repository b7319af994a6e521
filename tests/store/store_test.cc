// The SQLite store: schema migrations, round trips, transactions, deleting a user, snapshots
// and durability of acknowledged writes across a killed process.
#include "store/store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/errors.h"
#include "store/migrations.h"
#include "store/snapshot.h"
#include "store/sqlite.h"
#include "support/tiny_data.h"

namespace lmrec {
namespace {

std::string db_path(const std::string& name) { return testing::temp_dir(name) + "/store.db"; }

StoreEvent event(const std::string& u, const std::string& i, int64_t t) {
  return {u, i, "", 1.0f, t, 0};
}

TEST(StoreTest, FreshStoreRunsEveryMigrationOnce) {
  auto path = db_path("migrate");
  int latest = store_migrations().back().version;
  EXPECT_EQ(open_store(path)->schema_version(), latest);
  EXPECT_EQ(open_store(path)->schema_version(), latest);  // reopening applies nothing
  sql::Db db(path);
  sql::Stmt q(db, "SELECT COUNT(*) FROM schema_version");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.i64(0), latest);
}

TEST(StoreTest, MigrationsApplyInOrderAndNewerStoresAreRefused) {
  auto path = db_path("migrate-order");
  sql::Db db(path);
  std::vector<Migration> first = {{1, "CREATE TABLE a (x INTEGER)"}};
  EXPECT_EQ(migrate(db, first), 1);
  std::vector<Migration> both = {first[0], {2, "ALTER TABLE a ADD COLUMN y TEXT"}};
  EXPECT_EQ(migrate(db, both), 2);
  db.exec("INSERT INTO a(x, y) VALUES (1, 'ok')");
  EXPECT_THROW(migrate(db, first), FormatError);
  std::vector<Migration> gap = {first[0], both[1], {4, "SELECT 1"}};
  EXPECT_THROW(migrate(db, gap), UsageError);
  // A failing migration leaves the version where it was.
  std::vector<Migration> bad = {first[0], both[1], {3, "CREATE TABLE a (z INTEGER)"}};
  EXPECT_THROW(migrate(db, bad), IoError);
  std::vector<Migration> none;
  EXPECT_THROW(migrate(db, none), FormatError);
}

TEST(StoreTest, ItemsUsersEventsAndMetaRoundTrip) {
  auto store = open_store(db_path("roundtrip"));
  StoreItem item{"i1", "Title", "some text", {"a", "b"}, {{"color", "red"}}, false};
  store->upsert_item(item);
  store->upsert_user("u1", {{"age", "30"}});
  std::vector<StoreEvent> events = {{"u1", "i1", "click", 2.5f, 100, 0}, event("u2", "i2", 50)};
  store->append_events(events);
  store->set_meta("k", "v");

  auto got = store->item("i1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->title, "Title");
  EXPECT_EQ(got->text, "some text");
  EXPECT_EQ(got->categories, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(got->attributes.at("color"), "red");
  EXPECT_TRUE(store->item("i2").has_value());  // created by its first event
  EXPECT_FALSE(store->item("nope").has_value());
  auto u1 = store->user_events("u1");
  ASSERT_EQ(u1.size(), 1u);
  EXPECT_EQ(u1[0].type, "click");
  EXPECT_FLOAT_EQ(u1[0].value, 2.5f);
  EXPECT_EQ(u1[0].time, 100);
  EXPECT_EQ(store->count_events(), 2);
  EXPECT_EQ(store->meta("k", ""), "v");
  EXPECT_EQ(store->meta("absent", "x"), "x");

  EXPECT_TRUE(store->delete_item("i1"));
  EXPECT_FALSE(store->delete_item("nope"));
  EXPECT_TRUE(store->item("i1")->deleted);
  store->upsert_item(item);  // putting it again brings it back
  EXPECT_FALSE(store->item("i1")->deleted);
}

TEST(StoreTest, DeleteUserRemovesAllTheirData) {
  auto store = open_store(db_path("delete-user"));
  std::vector<StoreEvent> events = {event("u1", "i1", 1), event("u1", "i2", 2),
                                    event("u2", "i1", 3)};
  store->append_events(events);
  store->upsert_user("u1", {{"k", "v"}});
  EXPECT_EQ(store->delete_user("u1"), 2);
  EXPECT_TRUE(store->user_events("u1").empty());
  EXPECT_EQ(store->count_events(), 1);
  int users = 0;
  store->for_each_user([&](const std::string& name, const Attributes&) {
    EXPECT_NE(name, "u1");
    ++users;
  });
  EXPECT_EQ(users, 1);
  EXPECT_EQ(store->delete_user("u1"), 0);
}

TEST(StoreTest, TransactionsRollBackUnlessCommitted) {
  auto store = open_store(db_path("tx"));
  {
    Transaction t(*store);
    std::vector<StoreEvent> e = {event("u1", "i1", 1)};
    store->append_events(e);  // nested: a savepoint inside t
  }
  EXPECT_EQ(store->count_events(), 0);
  {
    Transaction t(*store);
    std::vector<StoreEvent> e = {event("u1", "i1", 1)};
    store->append_events(e);
    t.commit();
  }
  EXPECT_EQ(store->count_events(), 1);
}

TEST(StoreTest, ModelRegistryKeepsVersionsAndOneActive) {
  auto store = open_store(db_path("models"));
  int64_t v1 = store->register_model("ease", "/m/1");
  int64_t v2 = store->register_model("ease", "/m/2");
  EXPECT_LT(v1, v2);
  store->activate_model(v2);
  store->activate_model(v1);
  auto models = store->models();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_TRUE(models[0].active);
  EXPECT_FALSE(models[1].active);
  EXPECT_EQ(models[1].path, "/m/2");
  EXPECT_THROW(store->activate_model(99), UsageError);
}

TEST(StoreTest, DatasetRoundTripsThroughTheStore) {
  Dataset d = testing::make_dataset(3, 4, {{0, 1, 10}, {0, 2, 20}, {1, 3, 5}, {2, 1, 7}});
  d.catalogue.title[1] = "One";
  d.catalogue.categories[1] = {d.catalogue.category_names.intern("drama")};
  auto store = open_store(db_path("snapshot"));
  write_dataset(*store, d);
  Dataset s = read_snapshot(*store);
  EXPECT_EQ(s.n_items(), 4);  // items without events stay in the catalogue
  EXPECT_EQ(s.n_users(), 3);
  EXPECT_EQ(s.n_interactions(), 4);
  EXPECT_EQ(s.items.names(), d.items.names());
  EXPECT_EQ(s.catalogue.title[1], "One");
  EXPECT_EQ(s.catalogue.category_names.name(s.catalogue.categories[1][0]), "drama");
  int32_t u0 = s.users.find("u0");
  ASSERT_GE(u0, 0);
  auto seq = s.user_items(u0);
  EXPECT_EQ(std::vector<int32_t>(seq.begin(), seq.end()),
            (std::vector<int32_t>{s.items.find("i1"), s.items.find("i2")}));
  EXPECT_TRUE(s.has_times);

  store->delete_item("i3");
  Dataset after = read_snapshot(*store);
  EXPECT_EQ(after.n_items(), 3);
  EXPECT_EQ(after.n_interactions(), 3);
}

// A child process acknowledges each committed event on a pipe and is killed mid-stream; every
// acknowledged event must be there when the store is opened again.
TEST(StoreTest, AcknowledgedWritesSurviveAKilledProcess) {
  auto path = db_path("durable");
  open_store(path);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    auto store = open_store(path);
    for (int k = 0;; ++k) {
      std::vector<StoreEvent> e = {event("u" + std::to_string(k % 7), "i" + std::to_string(k), k)};
      store->append_events(e);
      if (write(fds[1], "x", 1) != 1) _exit(1);
    }
  }
  close(fds[1]);
  char buf[64];
  int64_t acked = 0;
  while (acked < 200) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    acked += n;
  }
  kill(pid, SIGKILL);
  // Drain what was acknowledged before the kill landed.
  while (true) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    acked += n;
  }
  waitpid(pid, nullptr, 0);
  close(fds[0]);
  ASSERT_GE(acked, 200);
  EXPECT_GE(open_store(path)->count_events(), acked);
}

}  // namespace
}  // namespace lmrec
