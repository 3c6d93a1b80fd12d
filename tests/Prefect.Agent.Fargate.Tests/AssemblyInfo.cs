// Tests that start servers use free ports on 127.0.0.1; they may run in parallel.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
