using NUnit.Framework;

// Each self-test that runs the suite starts a reference server and four suite workers; two at a time keep
// both cores busy without starving the servers.
[assembly: LevelOfParallelism(2)]
[assembly: Parallelizable(ParallelScope.Fixtures)]
