namespace JobSafety.Analyzers;

/// <summary>The rule IDs. They are fixed: users put them in .editorconfig files and CI configuration.</summary>
internal static class RuleIdentifiers
{
    public const string EnqueueInTransaction = "JS0001";
    public const string MailInTransaction = "JS0002";
    public const string HttpInTransaction = "JS0003";
    public const string OtherSideEffectInTransaction = "JS0004";
    public const string ConnectionBoundJobArgument = "JS0005";
    public const string InvalidOption = "JS9999";

    public const string HelpLinkBase = "https://github.com/jobsafety/jobsafety/blob/main/docs/rules/";

    public static string GetHelpUri(string id) => HelpLinkBase + id + ".md";
}
