using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQLParser.AST;
using Prefect.Agent.Fargate.Testing.Http;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>Handles one HTTP request of the fake: recording, faults, authentication, validation, execution.</summary>
internal sealed class FakePrefectRequestHandler
{
    private readonly FakePrefectApiOptions options;
    private readonly FakePrefectStore store;
    private readonly FakePrefectSchema schema;
    private readonly List<FakePrefectRequest> requests = [];
    private readonly List<(FakePrefectFault Fault, string? Operation)> faults = [];
    private readonly object sync = new();
    private long responseDelayTicks;

    public FakePrefectRequestHandler(FakePrefectApiOptions options, FakePrefectStore store, FakePrefectSchema schema)
    {
        this.options = options;
        this.store = store;
        this.schema = schema;
    }

    public TimeSpan ResponseDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref responseDelayTicks));
        set => Interlocked.Exchange(ref responseDelayTicks, value.Ticks);
    }

    public IReadOnlyList<FakePrefectRequest> Requests
    {
        get
        {
            lock (sync)
            {
                return requests.ToList();
            }
        }
    }

    public void InjectFault(FakePrefectFault fault, int count, string? operation)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (sync)
        {
            for (var i = 0; i < count; i++)
            {
                faults.Add((fault, operation));
            }
        }
    }

    public async Task HandleAsync(LoopbackHttpContext context)
    {
        var receivedAt = options.TimeProvider.GetUtcNow();
        var ct = context.RequestAborted;
        var body = System.Text.Encoding.UTF8.GetString(context.Body);
        var headers = context.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        JsonObject? envelope = null;
        try
        {
            envelope = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            // Answered below.
        }

        var query = FakeStates.Text(envelope?["query"]) ?? string.Empty;
        var variablesNode = envelope?["variables"];
        // Parsed once here: the operation name for the record, then validation and execution use the same document.
        var parsed = FakePrefectSchema.Parse(query);
        var fields = TopLevelFields(parsed.Document);
        var request = new FakePrefectRequest
        {
            ReceivedAt = receivedAt,
            Operation = string.Join(",", fields.Select(f => FakeGraphQLJson.NameOf(f.Name))),
            Query = query,
            Variables = variablesNode is null ? null : FakeStates.Text(variablesNode) ?? variablesNode.ToJsonString(),
            Body = body,
            Headers = headers,
        };
        lock (sync)
        {
            requests.Add(request);
        }

        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay, TimeProvider.System, ct).ConfigureAwait(false);
        }

        var (status, response, extraHeaders) = await AnswerAsync(context, request, envelope, variablesNode, parsed, ct).ConfigureAwait(false);
        request.StatusCode = status;
        request.Errors = (response?["errors"] as JsonArray ?? []).Select(e => FakeStates.Text(e?["message"]) ?? string.Empty).ToList();
        context.StatusCode = status;
        foreach (var (name, value) in extraHeaders)
        {
            context.ResponseHeaders[name] = value;
        }

        if (response is not null)
        {
            context.ContentType = "application/json";
            context.Write(response.ToJsonString());
        }
        else
        {
            context.Write(status == 429 ? "Too Many Requests" : "Internal Server Error");
        }
    }

    private static JsonObject Errors(params (string Message, string? Code, string? Path)[] errors) => new()
    {
        ["errors"] = new JsonArray(errors.Select(e =>
        {
            var error = new JsonObject { ["message"] = e.Message };
            if (e.Path is not null)
            {
                error["path"] = new JsonArray(JsonValue.Create(e.Path));
            }

            error["extensions"] = new JsonObject { ["code"] = e.Code };
            return (JsonNode?)error;
        }).ToArray()),
    };

    private static List<GraphQLField> TopLevelFields(GraphQLDocument? document) =>
        document?.Definitions.OfType<GraphQLOperationDefinition>().SelectMany(o => o.SelectionSet.Selections.OfType<GraphQLField>()).ToList() ?? [];

    private async Task<(int Status, JsonObject? Body, Dictionary<string, string> Headers)> AnswerAsync(
        LoopbackHttpContext context, FakePrefectRequest request, JsonObject? envelope, JsonNode? variablesNode, FakeParsedQuery query, CancellationToken ct)
    {
        var none = new Dictionary<string, string>();
        if (!string.Equals(context.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return (405, Errors(("GET queries are not accepted: POST a JSON body.", "BAD_REQUEST", null)), none);
        }

        var fault = TakeFault(request.Operation);
        if (fault is { Kind: "Slow" })
        {
            await Task.Delay(fault.Delay, TimeProvider.System, ct).ConfigureAwait(false);
        }
        else if (fault is { Kind: "RateLimited" })
        {
            var retry = fault.RetryAfter is { } after ? new Dictionary<string, string> { ["Retry-After"] = ((int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture) } : none;
            return (429, null, retry);
        }
        else if (fault is { Kind: "ServerError" })
        {
            return (fault.StatusCode, null, none);
        }
        else if (fault is not null && fault.Kind != "LostResponse")
        {
            var error = Errors((fault.Message!, fault.Code, fault.Kind == "GraphQLError" ? request.Operation.Split(',')[0] : null));
            error["data"] = fault.Kind == "GraphQLError" ? new JsonObject { [request.Operation.Split(',')[0]] = null } : null;
            return (200, error, none);
        }

        if (envelope is null || envelope["query"] is null)
        {
            return (400, Errors(("POST body missing, invalid Content-Type, or JSON object has no keys.", "BAD_REQUEST", null)), none);
        }

        // Prefect 0.15's client sends the variables as a JSON-encoded string; anything else is a client bug here.
        if (variablesNode is not JsonValue variablesValue || variablesValue.GetValueKind() != JsonValueKind.String)
        {
            return (400, Errors(("'variables' must be a JSON-encoded string, as Prefect 0.15's client sends it (\"null\" when there are none).", "BAD_REQUEST", null)), none);
        }

        if (Authenticate(request.Headers) is { } refusal)
        {
            return (200, Errors((refusal, "UNAUTHENTICATED", null)), none);
        }

        var variablesText = variablesValue.GetValue<string>();
        JsonObject variables;
        try
        {
            var parsed = JsonNode.Parse(variablesText);
            variables = parsed as JsonObject ?? (parsed is null ? [] : throw new JsonException("not an object"));
        }
        catch (JsonException)
        {
            return (400, Errors(("'variables' is not a JSON object: " + variablesText, "BAD_USER_INPUT", null)), none);
        }

        var (operation, errors) = await schema.ValidateAsync(query, variables).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return (400, Errors(errors.Select(e => (e.Message, (string?)e.Code, (string?)null)).ToArray()), none);
        }

        var agentId = request.Headers.TryGetValue("X-PREFECT-AGENT-ID", out var id) ? id : null;
        var data = new JsonObject();
        var fieldErrors = new List<(string, string?, string?)>();
        foreach (var field in operation!.SelectionSet.Selections.OfType<GraphQLField>())
        {
            var name = FakeGraphQLJson.NameOf(field.Name);
            var key = field.Alias is { } alias ? FakeGraphQLJson.NameOf(alias.Name) : name;
            try
            {
                var value = store.Resolve(name, FakeGraphQLJson.Arguments(field, variables), agentId);
                data[key] = FakeGraphQLJson.Project(value, field.SelectionSet, variables);
            }
            catch (FakeFieldException ex)
            {
                data[key] = null;
                fieldErrors.Add((ex.Message, ex.Code, key));
            }
        }

        if (fault is { Kind: "LostResponse" })
        {
            return (fault.StatusCode, null, none);
        }

        var answer = fieldErrors.Count > 0 ? Errors(fieldErrors.ToArray()) : new JsonObject();
        answer["data"] = data;
        return (200, answer, none);
    }

    private FakePrefectFault? TakeFault(string operation)
    {
        lock (sync)
        {
            var index = faults.FindIndex(f => f.Operation is null || f.Operation == operation);
            if (index < 0)
            {
                return null;
            }

            var fault = faults[index].Fault;
            faults.RemoveAt(index);
            return fault;
        }
    }

    private string? Authenticate(IReadOnlyDictionary<string, string> headers)
    {
        headers.TryGetValue("Authorization", out var authorization);
        switch (options.Mode)
        {
            case FakePrefectBackendMode.CloudApiKey:
                if (authorization != "Bearer " + options.ApiKey)
                {
                    return "UNAUTHENTICATED";
                }

                if (headers.TryGetValue("X-PREFECT-TENANT-ID", out var tenant) && !string.Equals(tenant, options.TenantId, StringComparison.OrdinalIgnoreCase))
                {
                    return "UNAUTHENTICATED: the API key does not belong to the tenant in X-PREFECT-TENANT-ID";
                }

                return null;
            case FakePrefectBackendMode.CloudToken:
                if (authorization is not null && !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
                {
                    return "Malformed Authorization header";
                }

                return authorization == "Bearer " + options.AgentToken ? null : "UNAUTHENTICATED";
            default:
                // Prefect Server has no authentication and ignores the header.
                return null;
        }
    }
}
