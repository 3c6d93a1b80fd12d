using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Testing.Ecs;

namespace Prefect.Agent.Fargate.Tests.Integration.Ecs;

/// <summary>Assertions on the request log of a <see cref="FakeEcs"/>.</summary>
internal static class EcsTraffic
{
    private static readonly HashSet<string> ValidationErrors = new(StringComparer.Ordinal)
    {
        "InvalidParameterException", "SerializationException", "UnknownOperationException", "UnsupportedOperationException",
        "InvalidSignatureException", "IncompleteSignatureException", "MissingAuthenticationTokenException",
        "UnrecognizedClientException", "SignatureDoesNotMatch",
    };

    public static IReadOnlyList<string> Operations(this FakeEcs ecs) => ecs.Requests.Select(r => r.Operation).ToList();

    public static IReadOnlyList<FakeEcsRequest> Calls(this FakeEcs ecs, string operation) =>
        ecs.Requests.Where(r => r.Operation == operation).ToList();

    public static JsonObject Body(this FakeEcsRequest request) =>
        request.ParseBody() ?? throw new Xunit.Sdk.XunitException($"{request.Operation} body is not a JSON object: {request.Body}");

    /// <summary>Every request was signed validly, passes the ECS/tagging model, and got no validation or signature error.</summary>
    public static void AssertEveryRequestValid(this FakeEcs ecs)
    {
        var requests = ecs.Requests;
        Assert.NotEmpty(requests);
        foreach (var request in requests)
        {
            Assert.True(request.SignatureValid, $"{request.Operation}: the SigV4 signature did not verify.");
            Assert.True(request.Headers.ContainsKey("authorization"), $"{request.Operation}: unsigned.");
            var validator = request.Service == "tagging" ? AwsModels.Tagging : AwsModels.Ecs;
            var validation = validator.Validate(request.Operation, request.Body());
            Assert.True(validation.IsValid, $"{request.Operation}: {validation.Report}\n{request.Body}");
            Assert.False(
                request.ErrorCode is not null && ValidationErrors.Contains(request.ErrorCode),
                $"{request.Operation} was refused: {request.ErrorCode} (HTTP {request.StatusCode}).");
        }
    }

    /// <summary>The <c>name=value</c> lines of an ECS environment list, in order (decoded strings: exact bytes of the values).</summary>
    public static IReadOnlyList<string> EnvironmentLines(JsonNode? environment) =>
        (environment as JsonArray ?? throw new Xunit.Sdk.XunitException("environment is not a list"))
            .Select(e => $"{e!["name"]!.GetValue<string>()}={e["value"]?.GetValue<string>() ?? "<null>"}")
            .ToList();

    public static string Text(this JsonNode? node) =>
        node?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException("expected a string");
}
