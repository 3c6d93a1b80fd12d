using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>One request received by a <see cref="FakeEcs"/>, with the answer it got.</summary>
/// <param name="Service">The signing name of the addressed API: <c>ecs</c> or <c>tagging</c>.</param>
/// <param name="Operation">The operation from <c>X-Amz-Target</c>, e.g. <c>RunTask</c>.</param>
/// <param name="Body">The request body as sent.</param>
/// <param name="Headers">The request headers (names in lower case).</param>
/// <param name="SignatureValid">Whether the SigV4 signature verified.</param>
/// <param name="StatusCode">The HTTP status answered.</param>
/// <param name="ErrorCode">The AWS error code answered, or <see langword="null"/> on success.</param>
/// <param name="ReceivedAt">When the request arrived.</param>
public sealed record FakeEcsRequest(
    string Service,
    string Operation,
    string Body,
    IReadOnlyDictionary<string, string> Headers,
    bool SignatureValid,
    int StatusCode,
    string? ErrorCode,
    DateTimeOffset ReceivedAt)
{
    /// <summary>Parses <see cref="Body"/>.</summary>
    /// <returns>The body as a JSON object, or <see langword="null"/> when it is not one.</returns>
    public JsonObject? ParseBody()
    {
        try
        {
            return JsonNode.Parse(Body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
