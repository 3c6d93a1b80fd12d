using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>
/// Python-literal parsing (reference Appendix A). Placeholder created by the foundation work so it compiles on its
/// own; the kwargs work replaces this file with the real parser (same signature).
/// </summary>
internal static class PythonLiteral
{
    /// <summary>Parses a Python literal into JSON.</summary>
    /// <param name="text">The literal text.</param>
    /// <returns>The value; a <see langword="null"/> node for Python <c>None</c>.</returns>
    /// <exception cref="FormatException">The text is not a Python literal.</exception>
    public static JsonNode? Parse(string text) => throw new NotImplementedException();
}
