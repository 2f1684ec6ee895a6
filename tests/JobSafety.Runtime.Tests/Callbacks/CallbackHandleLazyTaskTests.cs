namespace JobSafety.Runtime.Tests.Callbacks;

/// <summary>The handle's task is created lazily: read before or after the outcome, it reports the same outcome.</summary>
public class CallbackHandleLazyTaskTests
{
    [Fact]
    public async Task Task_read_after_the_work_ran_failed_or_was_dropped_reports_the_outcome()
    {
        var tx = TransactionTracking.Begin("Lazy");
        var ran = TransactionEvents.AfterCommit(() => { });
        var failed = TransactionEvents.AfterCommit(() => throw new InvalidOperationException("boom"));
        var dropped = TransactionEvents.AfterRollback(() => { });
        Assert.Throws<AggregateException>(tx.Commit);
        Assert.True(ran.Task.IsCompletedSuccessfully);
        Assert.Same(ran.Task, ran.Task);
        Assert.True(failed.Task.IsFaulted);
        Assert.IsType<InvalidOperationException>(failed.Task.Exception!.InnerException);
        Assert.True(dropped.Task.IsCanceled);

        var rolledBack = TransactionTracking.Begin("Lazy");
        var droppedByRollback = TransactionEvents.AfterCommit(() => { });
        rolledBack.Rollback();
        Assert.True(droppedByRollback.Task.IsCanceled);
        await Assert.ThrowsAsync<TaskCanceledException>(() => droppedByRollback.Task);
    }

    [Fact]
    public async Task Task_read_before_the_outcome_completes_with_it()
    {
        var tx = TransactionTracking.Begin("Lazy");
        var handle = TransactionEvents.AfterCommit(() => { });
        var task = handle.Task;
        Assert.False(task.IsCompleted);
        tx.Commit();
        await task;
        Assert.Same(task, handle.Task);
    }

    [Fact]
    public async Task Concurrent_readers_and_completion_agree()
    {
        for (var i = 0; i < 2000; i++)
        {
            var tx = TransactionTracking.Begin("Lazy");
            var handle = TransactionEvents.AfterCommit(() => { });
            Task? seen = null;
            var reader = Task.Run(() => seen = handle.Task);
            tx.Commit();
            await reader;
            await seen!.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Same(seen, handle.Task);
        }
    }

    [Fact]
    public void Savepoint_rollback_drops_only_work_registered_after_it()
    {
        var tx = TransactionTracking.Begin("Lazy");
        var before = TransactionEvents.AfterCommit(() => { });
        tx.Save("s1");
        var after = TransactionEvents.AfterCommit(() => { }, prepend: true);
        tx.RollbackToSavepoint("s1");
        var later = TransactionEvents.AfterCommit(() => { });
        tx.Commit();
        Assert.True(before.Task.IsCompletedSuccessfully);
        Assert.True(after.Task.IsCanceled);
        Assert.True(later.Task.IsCompletedSuccessfully);
    }
}
