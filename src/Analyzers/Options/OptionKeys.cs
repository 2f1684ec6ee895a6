namespace JobSafety.Analyzers.Options;

/// <summary>The <c>jobsafety.*</c> keys read from .editorconfig / .globalconfig.</summary>
internal static class OptionKeys
{
    public const string AdditionalSideEffects = "jobsafety.additional_side_effects";
    public const string TransactionalApis = "jobsafety.transactional_apis";
    public const string TransactionMethods = "jobsafety.transaction_methods";
    public const string DeferredMethods = "jobsafety.deferred_methods";
    public const string CallDepth = "jobsafety.call_depth";
    public const string HangfireStorageEnlists = "jobsafety.hangfire_storage_enlists";

    public static readonly string[] All =
    {
        AdditionalSideEffects, TransactionalApis, TransactionMethods, DeferredMethods, CallDepth, HangfireStorageEnlists,
    };

    public const int DefaultCallDepth = 3;
    public const int MaxCallDepth = 8;
}
