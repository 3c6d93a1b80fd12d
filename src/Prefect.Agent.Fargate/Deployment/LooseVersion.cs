using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Prefect.Agent.Fargate.Deployment;

/// <summary>
/// Python's <c>distutils.version.LooseVersion</c> (reference Appendix D): runs of digits compare as integers, runs of
/// lower-case letters and any other text compare as strings, lists compare lexicographically.
/// </summary>
internal sealed partial class LooseVersion
{
    private readonly IReadOnlyList<object> components;

    private LooseVersion(IReadOnlyList<object> components)
    {
        this.components = components;
    }

    /// <summary>Parses a version as <c>LooseVersion.parse</c> does.</summary>
    /// <param name="text">The version text.</param>
    /// <returns>The version.</returns>
    public static LooseVersion Parse(string text)
    {
        // re.split with a capturing group keeps both the matches and the text between them; '' and '.' are dropped.
        var parts = ComponentPattern().Split(text)
            .Where(p => p.Length > 0 && p != ".")
            .Select(p => p.All(char.IsAsciiDigit) ? (object)BigInteger.Parse(p, CultureInfo.InvariantCulture) : p)
            .ToList();
        return new LooseVersion(parts);
    }

    /// <summary>
    /// Whether this version is lower than <paramref name="other"/>. Python 3 raises when a number meets a string at
    /// the same position; we answer "not lower" there (the reference's suggestion), so such a flow gets the newer command.
    /// </summary>
    /// <param name="other">The other version.</param>
    /// <returns><see langword="true"/> when lower.</returns>
    public bool IsLowerThan(LooseVersion other)
    {
        for (var i = 0; i < Math.Min(components.Count, other.components.Count); i++)
        {
            int comparison;
            if (components[i] is BigInteger a && other.components[i] is BigInteger b)
            {
                comparison = a.CompareTo(b);
            }
            else if (components[i] is string s && other.components[i] is string t)
            {
                comparison = string.CompareOrdinal(s, t);
            }
            else
            {
                return false;
            }

            if (comparison != 0)
            {
                return comparison < 0;
            }
        }

        return components.Count < other.components.Count;
    }

    [GeneratedRegex(@"(\d+|[a-z]+|\.)", RegexOptions.CultureInvariant)]
    private static partial Regex ComponentPattern();
}
