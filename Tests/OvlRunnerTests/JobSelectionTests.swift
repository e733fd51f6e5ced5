import Foundation
import OvlCase
import OvlModel
import OvlProtocol
import Testing
@testable import OvlRunner

private func cases(_ ids: [String]) throws -> [Case] {
    try ids.map { id in
        try CaseParser.parse(yaml: "description: d\nrules: [R33]\nlayers: {lower: [{f: x}]}\nsteps: [{unlink: f}]\n",
                             file: "cases/\(id).yaml")
    }
}

@Suite("Job list: order, shards, guests, re-runs")
struct JobSelectionTests {
    @Test("the job list is ordered by case id then configuration, whatever order the cases came in")
    func stableOrder() throws {
        let a = JobList.all(cases: try cases(["b/2", "a/1", "c/3"]), configs: FSConfig.matrix)
        let b = JobList.all(cases: try cases(["c/3", "b/2", "a/1"]), configs: FSConfig.matrix)
        #expect(a.map(\.0) == b.map(\.0))
        #expect(a.map(\.0.index) == Array(0..<12))
        #expect(a.prefix(2).map { "\($0.1.id)[\($0.0.config)]" } == ["a/1[ext4]", "a/1[xfs]"])
    }

    @Test("shards are disjoint and together cover every job exactly once", arguments: [1, 2, 3, 4, 7, 13, 40])
    func shardsPartition(count: Int) throws {
        let all = JobList.all(cases: try cases((1...9).map { "f/\($0)" }), configs: FSConfig.matrix)
        var seen: [Int] = []
        for i in 1...count {
            let shard = try Shard(parsing: "\(i)/\(count)")
            let slice = JobList.slice(all, shard: shard)
            #expect(abs(slice.count - all.count / count) <= 1)
            seen += slice.map(\.0.index)
        }
        #expect(seen.sorted() == all.map(\.0.index))
    }

    @Test("--shard accepts I/N with 1 <= I <= N only")
    func shardParsing() throws {
        #expect(try Shard(parsing: "2/4") == Shard(parsing: "2/4"))
        #expect(try Shard(parsing: "3/3").number == 3)
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "1/2/3", "-1/2", ""] {
            #expect(throws: ShardError.self) { try Shard(parsing: bad) }
        }
    }

    @Test("guests: jobs are dealt round-robin, every job once, no empty guest")
    func dealing() throws {
        let all = JobList.all(cases: try cases(["a/1", "a/2", "a/3"]), configs: FSConfig.matrix).map(\.0)
        let lanes = Suite.deal(all, into: 5)
        #expect(lanes.count == 5)
        #expect(lanes.flatMap { $0 }.map(\.index).sorted() == Array(0..<12))
        #expect(lanes[1].map(\.index) == [1, 6, 11])
        #expect(Suite.deal(Array(all.prefix(2)), into: 4).count == 2)
    }

    @Test("--rerun-failed selects the fail, crash and hang jobs of the newest finished results folder")
    func rerunSelection() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ovl-rerun-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let all = JobList.all(cases: try cases(["a/1", "b/2"]), configs: [FSConfig(lower: "ext4", upper: "ext4"),
                                                                           FSConfig(lower: "xfs", upper: "ext4")])
        let verdicts: [Verdict] = [.pass, .fail, .crash, .hang]
        let results = zip(all, verdicts).map { pair, v in
            JobResult(job: pair.0, caseInfo: pair.1, verdict: v, differences: [], kernelLog: [], seconds: 0)
        }
        for name in ["old", "new", "unfinished"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: true)
        }
        try ResultsFolder.writeVerdicts(Array(results.prefix(1)), to: "\(root)/old")
        Thread.sleep(forTimeInterval: 0.05)
        try ResultsFolder.writeVerdicts(results, to: "\(root)/new")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 0)],
                                              ofItemAtPath: "\(root)/old/verdicts.json")
        #expect(try ResultsFolder.latest(under: root) == "\(root)/new")
        let failed = try ResultsFolder.failedJobs(in: "\(root)/new")
        #expect(failed == ["a/1[xfs/ext4]", "b/2[ext4]", "b/2[xfs/ext4]"])
        #expect(JobList.only(all, named: failed).map(\.0.index) == [1, 2, 3])
        #expect(throws: RerunError.self) { try ResultsFolder.failedJobs(in: "\(root)/unfinished") }
        #expect(throws: RerunError.self) { try ResultsFolder.latest(under: "\(root)/unfinished") }
    }
}

@Suite("Job list: layer_fs cases")
struct LayerFSJobTests {
    @Test("a layer_fs case runs once per distinct set of filesystems; the other configurations are skipped with a reason")
    func skipsDuplicates() throws {
        let c = try CaseParser.parse(yaml: "description: d\nrules: [R10]\nlayer_fs: {upper: ramfs}\nlayers: {lower: [{f: x}]}\n",
                                     file: "cases/mount/1.yaml")
        let jobs = JobList.all(cases: [c], configs: FSConfig.matrix).map(\.0)
        #expect(jobs.map(\.config.description) == ["ext4/ramfs", "xfs/ramfs", "ext4/xfs", "xfs/ext4"])
        #expect(jobs.map { $0.skip == nil } == [true, true, false, false])
        #expect(jobs[2].skip?.contains("mount/1[ext4/ramfs]") == true)
        let both = try CaseParser.parse(yaml: "description: d\nrules: [R10]\nlayer_fs: {upper: ramfs, lower: ramfs}\nlayers: {lower: [{f: x}]}\n",
                                        file: "cases/mount/2.yaml")
        #expect(JobList.all(cases: [both], configs: FSConfig.matrix).filter { $0.0.skip == nil }.count == 1)
    }
}
