using System.Transactions;

namespace JobSafety.Runtime.Tests.Guard;

/// <summary><see cref="SideEffects.IsGuardActive"/>: false only when no transaction can be open on the flow.</summary>
public class IsGuardActiveTests
{
    [Fact]
    public async Task Follows_tracked_and_ambient_transactions()
    {
        await Task.Run(() =>
        {
            Assert.False(SideEffects.IsGuardActive);
            var tx = TransactionTracking.Begin("Guard");
            Assert.True(SideEffects.IsGuardActive);
            tx.Commit();
            Assert.False(SideEffects.IsGuardActive);
            using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
            {
                Assert.True(SideEffects.IsGuardActive);
            }
            Assert.False(SideEffects.IsGuardActive);
        });
    }
}
