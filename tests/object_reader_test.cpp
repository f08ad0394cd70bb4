// The pack reader against libgit2 on the same objects: every blob of generated archives,
// packed the ways git packs (offset and reference deltas, deep chains, several packs with
// loose objects beside them, 64-bit offsets), read in orders that make its delta cache
// hit and miss; and damaged or unfamiliar packs, which must end in libgit2's hands.

#include "git/object_reader.hpp"
#include "git/repository.hpp"
#include "support/repo.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <numeric>
#include <openssl/evp.h>
#include <random>
#include <sstream>

namespace gh::git {
namespace {

using test::TempDir;

std::string git_in(const std::filesystem::path& repo, const std::string& command) {
    return test::run("git -C " + test::shell_quote(repo.string()) + " " + command);
}

/// Every blob any commit has had under playlists/plain.
std::vector<git_oid> blobs_of(const std::filesystem::path& repo) {
    std::vector<git_oid> ids;
    for (const auto& line :
         test::lines_of(git_in(repo, "log --raw --no-abbrev --format= -- playlists/plain"))) {
        std::istringstream words(line);
        std::string mode_a, mode_b, before, after;
        words >> mode_a >> mode_b >> before >> after;
        git_oid id;
        if (after.size() == 40 && after != std::string(40, '0') &&
            git_oid_fromstr(&id, after.c_str()) == 0) {
            ids.push_back(id);
        }
    }
    std::sort(ids.begin(), ids.end(),
              [](const git_oid& a, const git_oid& b) { return git_oid_cmp(&a, &b) < 0; });
    ids.erase(std::unique(ids.begin(), ids.end(),
                          [](const git_oid& a, const git_oid& b) { return git_oid_equal(&a, &b); }),
              ids.end());
    return ids;
}

std::string with_libgit2(git_repository* repo, const git_oid& id) {
    return read_blob(repo, id, "test");
}

std::shared_ptr<const PackSet> packs_of(const std::filesystem::path& repo) {
    return std::make_shared<PackSet>(repo / ".git" / "objects");
}

/// How the repository's packs store their deltas: by the base's offset or by its id
/// (read from the type in each delta's header), and the longest chain.
struct DeltaCounts {
    std::size_t offset = 0;
    std::size_t reference = 0;
    std::size_t deepest = 0;
};

DeltaCounts delta_counts(const std::filesystem::path& repo) {
    DeltaCounts counts;
    for (const auto& entry : std::filesystem::directory_iterator(repo / ".git/objects/pack")) {
        if (entry.path().extension() != ".idx") {
            continue;
        }
        const std::string pack =
            test::read_file(std::filesystem::path(entry.path()).replace_extension(".pack"));
        // verify-pack -v: "id type size size-in-pack offset [depth base-id]"
        for (const auto& line : test::lines_of(
                 test::run("git verify-pack -v " + test::shell_quote(entry.path().string())))) {
            std::istringstream words(line);
            std::string id, type, base;
            std::size_t size = 0, packed = 0, offset = 0, depth = 0;
            if (words >> id >> type >> size >> packed >> offset >> depth >> base) {
                counts.deepest = std::max(counts.deepest, depth);
                const int stored = (static_cast<unsigned char>(pack.at(offset)) >> 4) & 7;
                (stored == 6 ? counts.offset : counts.reference) += stored == 6 || stored == 7;
            }
        }
    }
    return counts;
}

/// Writes every pack's index again with `index-pack OPTIONS` and returns the indexes.
std::vector<std::filesystem::path> reindex(const std::filesystem::path& repo,
                                           const std::string& options) {
    std::vector<std::filesystem::path> indexes;
    for (const auto& entry : std::filesystem::directory_iterator(repo / ".git/objects/pack")) {
        if (entry.path().extension() == ".pack") {
            indexes.push_back(std::filesystem::path(entry.path()).replace_extension(".idx"));
            std::filesystem::remove(indexes.back());
            test::run("git -C " + test::shell_quote(repo.string()) + " index-pack " + options +
                      " " + test::shell_quote(entry.path().string()));
        }
    }
    return indexes;
}

/// Reads every blob through the pack reader, in three orders (sorted, reversed, shuffled),
/// and compares each with libgit2's bytes. `unpacked` blobs are expected outside the packs.
void expect_same_blobs(const std::filesystem::path& repo_path, std::size_t unpacked) {
    const Repository repo = test::open(repo_path);
    const auto ids = blobs_of(repo_path);
    ASSERT_GT(ids.size(), 50u);
    const auto packs = packs_of(repo_path);
    std::size_t packed = 0;
    for (const auto& id : ids) {
        packed += packs->find(id).has_value();
    }
    EXPECT_EQ(packed, ids.size() - unpacked);

    std::vector<std::string> expected;
    for (const auto& id : ids) {
        expected.push_back(with_libgit2(repo.get(), id));
    }
    std::vector<std::size_t> order(ids.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<std::vector<std::size_t>> orders{order};
    std::reverse(order.begin(), order.end());
    orders.push_back(order);
    std::shuffle(order.begin(), order.end(), std::mt19937(7));
    orders.push_back(order);
    for (const auto& sequence : orders) {
        ObjectReader reader(repo.get(), packs);
        for (const std::size_t i : sequence) {
            const ObjectBytes bytes = reader.read_blob(ids[i], "blob {}", i);
            ASSERT_EQ(bytes.view(), expected[i]) << "blob " << hex(ids[i]);
        }
        // Packed blobs were read from the packs, not handed to libgit2.
        EXPECT_EQ(reader.stats().from_packs, packed);
        EXPECT_EQ(reader.stats().from_libgit2, ids.size() - packed);
    }
}

class ObjectReaderTest : public ::testing::Test {
  protected:
    void SetUp() override {
        git::initialize();
        m_repo = test::generated_archive(m_dir, 11, 6, 120, 30);
    }
    TempDir m_dir;
    std::filesystem::path m_repo;
};

TEST_F(ObjectReaderTest, ReadsOffsetDeltasAsLibgit2Does) {
    git_in(m_repo, "repack -adf -q");
    const auto counts = delta_counts(m_repo);
    ASSERT_GT(counts.offset, 100u) << "the pack should hold offset deltas";
    EXPECT_EQ(counts.reference, 0u);
    expect_same_blobs(m_repo, 0);
}

TEST_F(ObjectReaderTest, FindsObjectsAlikeBeforeAndAfterHashingTheIndex) {
    // The first few thousand lookups search the index; later ones use a hash table.
    git_in(m_repo, "repack -adf -q");
    const auto packs = packs_of(m_repo);
    std::vector<git_oid> ids;
    for (const auto& line : test::lines_of(git_in(m_repo, "rev-list --objects --all"))) {
        git_oid id;
        ASSERT_EQ(git_oid_fromstrn(&id, line.data(), GIT_OID_HEXSZ), 0);
        ids.push_back(id);
    }
    ASSERT_GT(ids.size(), 500u);
    std::vector<std::uint64_t> first;
    for (const auto& id : ids) {
        const auto found = packs->find(id);
        ASSERT_TRUE(found) << hex(id);
        first.push_back(found->offset);
    }
    for (int round = 0; round < 12; ++round) { // well past the switch
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const auto found = packs->find(ids[i]);
            ASSERT_TRUE(found) << hex(ids[i]);
            ASSERT_EQ(found->offset, first[i]) << hex(ids[i]);
            git_oid absent = ids[i];
            absent.id[GIT_OID_RAWSZ - 1] ^= 0x01;
            EXPECT_FALSE(packs->find(absent)) << hex(absent);
        }
    }
}

TEST_F(ObjectReaderTest, ReadsReferenceDeltas) {
    git_in(m_repo, "-c repack.useDeltaBaseOffset=false repack -adf -q");
    // Without offset deltas, pack-objects writes the base's id instead of its offset.
    const auto counts = delta_counts(m_repo);
    ASSERT_GT(counts.reference, 100u) << "the pack should hold reference deltas";
    EXPECT_EQ(counts.offset, 0u);
    expect_same_blobs(m_repo, 0);
}

TEST_F(ObjectReaderTest, ReadsDeepChains) {
    // Each day changes the next line of a 300-track file, so that each version's nearest
    // neighbour is the version before or after it: git chains them one on another.
    TempDir dir;
    const auto repo = dir.path() / "chain";
    std::vector<std::string> lines;
    for (int track = 0; track < 300; ++track) {
        lines.push_back(fmt::format("Track {:03} -- Artist {} -- Album a\n", track, track % 7));
    }
    std::string stream;
    for (int day = 0; day < 300; ++day) {
        lines[day].replace(lines[day].size() - 2, 1, "b");
        std::string content = "Chain\n\n";
        for (const auto& line : lines) {
            content += line;
        }
        stream += fmt::format("commit refs/heads/main\ncommitter A <a@example.com> {} +0000\n"
                              "data 0\nM 100644 inline playlists/plain/chain\ndata {}\n{}\n",
                              1600000000 + day * 86400, content.size(), content);
    }
    std::ofstream(dir.path() / "stream") << stream;
    test::run("git init -q -b main " + test::shell_quote(repo.string()) + " && git -C " +
              test::shell_quote(repo.string()) + " fast-import --quiet < " +
              test::shell_quote((dir.path() / "stream").string()));
    git_in(repo, "repack -adf -q --depth=1000 --window=250");
    const auto counts = delta_counts(repo);
    EXPECT_GT(counts.deepest, 200u) << "chains deeper than git's default limit of 50";
    expect_same_blobs(repo, 0);
}

TEST_F(ObjectReaderTest, ReadsSeveralPacksAndLeavesLooseObjectsToLibgit2) {
    git_in(m_repo, "repack -adf -q");
    // Half of the history again as loose objects and a second pack.
    const auto count = std::stoul(git_in(m_repo, "rev-list --count HEAD"));
    git_in(m_repo, "checkout -q -b more HEAD~" + std::to_string(count / 2));
    for (int i = 0; i < 3; ++i) {
        const auto file = m_repo / "playlists/plain/extra";
        std::ofstream(file) << "Extra\n\nA -- B -- C" << i << "\nD -- E -- F\n";
        git_in(m_repo, "add -A && git -C " + test::shell_quote(m_repo.string()) +
                           " -c user.name=t -c user.email=t@t commit -qm loose" +
                           std::to_string(i));
    }
    git_in(m_repo, "checkout -q -b packed2 HEAD~1");
    std::ofstream(m_repo / "playlists/plain/extra2") << "Extra 2\n\nA -- B -- C\n";
    git_in(m_repo, "add -A && git -C " + test::shell_quote(m_repo.string()) +
                       " -c user.name=t -c user.email=t@t commit -qm second-pack");
    git_in(m_repo, "repack -d -q"); // a second pack with what is not packed yet
    git_in(m_repo, "checkout -q more");
    std::ofstream(m_repo / "playlists/plain/extra") << "Extra\n\nloose -- at -- last\n";
    git_in(m_repo, "add -A && git -C " + test::shell_quote(m_repo.string()) +
                       " -c user.name=t -c user.email=t@t commit -qm loose-again");
    ASSERT_GE(packs_of(m_repo)->size(), 2u);
    // The last commit's blob is loose: libgit2 reads it.
    expect_same_blobs(m_repo, 1);
}

TEST_F(ObjectReaderTest, ReadsLargeOffsets) {
    git_in(m_repo, "repack -adf -q");
    // Rewrite the index so that every object past offset 256 is found through the
    // 64-bit offset table, as in packs larger than 2 GiB.
    const auto indexes = reindex(m_repo, "--index-version=2,0x100");
    ASSERT_EQ(indexes.size(), 1u);
    // 8 bytes of header, 1024 of fan-out, 28 per object, 8 per large offset and two
    // checksums: nearly every object has a large offset.
    const auto objects = std::stoul(git_in(m_repo, "count-objects -v | sed -n 's/^in-pack: //p'"));
    const auto large = (std::filesystem::file_size(indexes[0]) - 8 - 1024 - objects * 28 - 40) / 8;
    EXPECT_GT(large, objects - 5);
    expect_same_blobs(m_repo, 0);
}

TEST_F(ObjectReaderTest, LeavesVersionOneIndexesToLibgit2) {
    git_in(m_repo, "repack -adf -q");
    ASSERT_EQ(reindex(m_repo, "--index-version=1").size(), 1u);
    EXPECT_EQ(packs_of(m_repo)->size(), 0u);
    expect_same_blobs(m_repo, blobs_of(m_repo).size());
}

TEST_F(ObjectReaderTest, ADamagedObjectIsReportedAsLibgit2ReportsIt) {
    git_in(m_repo, "repack -adf -q");
    const Repository repo = test::open(m_repo);
    const auto ids = blobs_of(m_repo);
    // Damage the compressed data of one blob stored whole (not as a delta).
    std::string pack_path;
    std::uint64_t offset = 0;
    git_oid damaged{};
    for (const auto& entry : std::filesystem::directory_iterator(m_repo / ".git/objects/pack")) {
        if (entry.path().extension() != ".idx") {
            continue;
        }
        pack_path = std::filesystem::path(entry.path()).replace_extension(".pack").string();
        for (const auto& line : test::lines_of(
                 test::run("git verify-pack -v " + test::shell_quote(entry.path().string())))) {
            std::istringstream words(line);
            std::string id, type;
            std::size_t size = 0, packed = 0, at = 0;
            if ((words >> id >> type >> size >> packed >> at) && type == "blob" && size > 200 &&
                words.peek() == EOF) {
                git_oid_fromstr(&damaged, id.c_str());
                offset = at + packed / 2;
                break;
            }
        }
    }
    ASSERT_NE(offset, 0u);
    {
        std::fstream pack(pack_path, std::ios::in | std::ios::out | std::ios::binary);
        pack.seekg(static_cast<std::streamoff>(offset));
        const char byte = static_cast<char>(pack.get());
        pack.seekp(static_cast<std::streamoff>(offset));
        pack.put(static_cast<char>(byte ^ 0x5a));
    }
    ObjectReader reader(repo.get(), packs_of(m_repo));
    try {
        reader.read_blob(damaged, "{} at commit {}", "playlists/plain/x", "abc1234");
        FAIL() << "a damaged object was read";
    } catch (const Error& error) {
        EXPECT_EQ(reader.stats().from_libgit2, 1u) << "libgit2 reports the damage";
        const std::string message = error.what();
        EXPECT_NE(message.find("reading playlists/plain/x at commit abc1234 (blob " +
                               short_hex(damaged) + "): "),
                  std::string::npos)
            << message;
    }
    // The other blobs are still read, and right.
    for (const auto& id : ids) {
        if (!git_oid_equal(&id, &damaged)) {
            try {
                const auto bytes = reader.read_blob(id, "blob");
                EXPECT_EQ(bytes.view(), with_libgit2(repo.get(), id));
            } catch (const Error&) {
                // a delta of the damaged blob: libgit2 cannot read it either
                EXPECT_THROW(with_libgit2(repo.get(), id), Error);
            }
        }
    }
}

TEST_F(ObjectReaderTest, RefusesObjectsThatAreNotBlobs) {
    git_in(m_repo, "repack -adf -q");
    const Repository repo = test::open(m_repo);
    std::string tree = git_in(m_repo, "rev-parse HEAD:playlists/plain");
    tree.pop_back();
    git_oid id;
    ASSERT_EQ(git_oid_fromstr(&id, tree.c_str()), 0);
    ASSERT_TRUE(packs_of(m_repo)->find(id).has_value());
    ObjectReader reader(repo.get(), packs_of(m_repo));
    try {
        reader.read_blob(id, "playlists/plain");
        FAIL() << "a tree was read as a blob";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("is not a blob"), std::string::npos)
            << error.what();
    }
}

TEST_F(ObjectReaderTest, DamagedPacksNeverCrashNorDisagreeWithLibgit2) {
    // Random bytes of a pack overwritten, many times: headers, offsets, delta
    // instructions and compressed data. Whatever the reader returns, libgit2 reads the
    // same bytes; run under AddressSanitizer, nothing is read out of bounds.
    git_in(m_repo, "repack -adf -q");
    const auto ids = blobs_of(m_repo);
    std::filesystem::path pack_path;
    for (const auto& entry : std::filesystem::directory_iterator(m_repo / ".git/objects/pack")) {
        if (entry.path().extension() == ".pack") {
            pack_path = entry.path();
        }
    }
    const std::string pristine = test::read_file(pack_path);
    std::mt19937 random(3);
    std::size_t agreed = 0;
    std::size_t refused_damage = 0;
    for (int round = 0; round < 40; ++round) {
        std::string damaged = pristine;
        for (int flip = 0; flip < 8; ++flip) {
            const std::size_t at = 12 + random() % (damaged.size() - 32);
            damaged[at] = static_cast<char>(random());
        }
        std::filesystem::permissions(pack_path, std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::add);
        std::ofstream(pack_path, std::ios::binary | std::ios::trunc) << damaged;
        const Repository repo = test::open(m_repo);
        ObjectReader reader(repo.get(), packs_of(m_repo));
        for (std::size_t i = round % 3; i < ids.size(); i += 3) {
            std::optional<std::string> ours;
            try {
                ours = std::string(reader.read_blob(ids[i], "blob").view());
            } catch (const Error&) {
            }
            std::optional<std::string> theirs;
            try {
                theirs = with_libgit2(repo.get(), ids[i]);
            } catch (const Error&) {
            }
            // Both read it, alike, or neither does: a reader that returns what libgit2
            // refuses returns damage, and one that refuses what libgit2 reads fails a run
            // for nothing. Only libgit2 may read bytes that are not the object's (it checks
            // no CRC): then the reader must refuse them.
            if (theirs && !ours) {
                git_oid hashed;
                ASSERT_EQ(git_odb_hash(&hashed, theirs->data(), theirs->size(), GIT_OBJECT_BLOB),
                          0);
                EXPECT_FALSE(git_oid_equal(&hashed, &ids[i]))
                    << "blob " << hex(ids[i]) << " round " << round << ": refused, but whole";
                ++refused_damage;
            } else {
                EXPECT_EQ(ours, theirs) << "blob " << hex(ids[i]) << " round " << round;
                agreed += ours.has_value();
            }
        }
    }
    EXPECT_GT(agreed, ids.size()); // most reads still succeed
    RecordProperty("refused_damage", static_cast<int>(refused_damage));
}

/// The entries of a version-2 pack index, for damaging them as a test needs.
struct IndexFile {
    std::filesystem::path path;
    std::string bytes;
    std::uint32_t count = 0;

    explicit IndexFile(std::filesystem::path where)
        : path(std::move(where)), bytes(test::read_file(path)) {
        count = word(8 + 255 * 4);
    }
    std::uint32_t word(std::size_t at) const {
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            value = (value << 8) | static_cast<unsigned char>(bytes.at(at + i));
        }
        return value;
    }
    std::size_t offset_at(std::uint32_t position) const {
        return 8 + 256 * 4 + std::size_t{count} * 24 + std::size_t{position} * 4;
    }
    std::uint32_t position_of(const git_oid& id) const {
        for (std::uint32_t p = 0; p < count; ++p) {
            if (std::memcmp(bytes.data() + 8 + 256 * 4 + std::size_t{p} * 20, id.id, 20) == 0) {
                return p;
            }
        }
        ADD_FAILURE() << "not in the index: " << hex(id);
        return 0;
    }
    /// Writes the index, with a trailing checksum that matches its bytes or not.
    void save(bool valid_checksum) {
        if (valid_checksum) {
            unsigned int length = 0;
            EVP_Digest(bytes.data(), bytes.size() - 20,
                       reinterpret_cast<unsigned char*>(bytes.data() + bytes.size() - 20), &length,
                       EVP_sha1(), nullptr);
        }
        std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::add);
        std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    }
};

// An index whose offset for one blob leads to another blob's entry: git reads the other
// blob without a word. The index's checksum says so once; the entry's CRC-32 always.
TEST_F(ObjectReaderTest, AnIndexPointingAnObjectAtAnotherEntryIsReported) {
    git_in(m_repo, "repack -adf -q");
    const Repository repo = test::open(m_repo);
    const auto ids = blobs_of(m_repo);
    std::filesystem::path index_path;
    for (const auto& entry : std::filesystem::directory_iterator(m_repo / ".git/objects/pack")) {
        if (entry.path().extension() == ".idx") {
            index_path = entry.path();
        }
    }
    const auto objects = m_repo / ".git" / "objects";
    IndexFile index(index_path);
    const auto modified = std::filesystem::last_write_time(index_path);
    const VerifiedIndexes known = PackSet(objects).verified();
    ASSERT_EQ(known.size(), 1u);
    EXPECT_EQ(PackSet(objects, known).verified(), known);
    const std::uint32_t victim = index.position_of(ids[0]);
    const std::uint32_t other = index.position_of(ids[1]);
    index.bytes.replace(index.offset_at(victim), 4, index.bytes.substr(index.offset_at(other), 4));
    const auto expect_refused = [&](const VerifiedIndexes& verified, const std::string& what) {
        const auto packs = std::make_shared<const PackSet>(objects, verified);
        ObjectReader reader(repo.get(), packs);
        try {
            reader.read_blob(ids[0], "playlists/plain/x at commit {}", "abc1234");
            ADD_FAILURE() << what << ": another entry's blob was read";
        } catch (const Error& error) {
            EXPECT_NE(std::string(error.what()).find("is not the one its index records"),
                      std::string::npos)
                << what << ": " << error.what();
        }
        EXPECT_EQ(reader.read_blob(ids[1], "blob").view(), with_libgit2(repo.get(), ids[1]))
            << what;
    };

    index.save(false);
    try {
        PackSet packs(objects);
        ADD_FAILURE() << "a damaged index was opened";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what())
                      .find("the pack index " + index_path.string() +
                            " is damaged: its checksum does not match"),
                  std::string::npos)
            << error.what();
    }
    // Remembered as verified, damaged since without a trace in its identity (same file,
    // size and time): not verified again, and the entry's CRC-32 tells.
    std::filesystem::last_write_time(index_path, modified);
    expect_refused(known, "remembered as verified");
    // Damaged with a checksum made to match.
    index.save(true);
    expect_refused({}, "checksum made to match");
}

} // namespace
} // namespace gh::git
