using System.Globalization;
using System.Text;

namespace Prefect.Agent.Fargate.Internal;

/// <summary>Python's <c>repr</c> of a list of strings (reference Appendix C), as the original logged its labels.</summary>
internal static class PythonRepr
{
    public static string ListOfStrings(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(String)) + "]";

    public static string String(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder(value.Length + 2).Append(quote);
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '\n' => builder.Append(@"\n"),
                '\r' => builder.Append(@"\r"),
                '\t' => builder.Append(@"\t"),
                _ when c == quote => builder.Append('\\').Append(c),
                _ when c < ' ' || c == '\x7f' => builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => builder.Append(c),
            };
        }

        return builder.Append(quote).ToString();
    }
}
