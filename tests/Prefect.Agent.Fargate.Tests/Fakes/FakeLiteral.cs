using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Tests.Fakes;

/// <summary>
/// Enough of Python-literal parsing for environment tests ('quotes', True/False/None), so they do not depend on the
/// real parser (tested by the kwargs work).
/// </summary>
internal static class FakeLiteral
{
    public static JsonNode? Parse(string text)
    {
        var json = text.Replace('\'', '"').Replace("True", "true", StringComparison.Ordinal)
            .Replace("False", "false", StringComparison.Ordinal).Replace("None", "null", StringComparison.Ordinal);
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException("not a literal", ex);
        }
    }
}
