using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("JobSafety.Runtime.Tests")]
