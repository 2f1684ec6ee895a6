using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace JobSafety.Analyzers;

/// <summary>Type lookups by metadata name that tolerate a type defined in several references.</summary>
internal static class WellKnown
{
    public static ImmutableArray<INamedTypeSymbol> GetTypes(Compilation compilation, string metadataName)
    {
        var single = compilation.GetTypeByMetadataName(metadataName);
        if (single is not null)
        {
            return ImmutableArray.Create(single);
        }

        return compilation.GetTypesByMetadataName(metadataName);
    }
}
