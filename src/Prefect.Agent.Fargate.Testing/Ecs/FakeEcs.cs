using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>
/// A local Amazon ECS (and Resource Groups Tagging API) on 127.0.0.1: it requires and verifies SigV4 signatures,
/// validates every request against the official API model, keeps task definitions and tasks like ECS, and can
/// throttle, fail or slow down on demand. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// await using var ecs = await FakeEcs.StartAsync();
/// var options = new AgentOptions { EcsServiceUrl = ecs.Url, TaggingServiceUrl = ecs.Url, RegionName = ecs.Region,
///     AwsAccessKeyId = FakeEcs.AccessKeyId, AwsSecretAccessKey = FakeEcs.SecretAccessKey };
/// </code>
/// </example>
public sealed class FakeEcs : IAsyncDisposable
{
    /// <summary>The access key id the fake accepts.</summary>
    public const string AccessKeyId = "AKIAFAKEECS000000001";

    /// <summary>The secret access key of <see cref="AccessKeyId"/>.</summary>
    public const string SecretAccessKey = "fake-ecs-secret-access-key/0000000000000";

    private const string EcsTargetPrefix = "AmazonEC2ContainerServiceV20141113.";
    private const string TaggingTargetPrefix = "ResourceGroupsTaggingAPI_20170126.";

    private readonly FakeEcsOptions options;
    private readonly object gate = new();
    private readonly List<FakeEcsRequest> requests = [];
    private readonly Dictionary<string, Queue<FakeEcsFault>> faults = new(StringComparer.Ordinal);
    private readonly FakeEcsTaskDefinitionStore definitions;
    private readonly FakeEcsTaskStore tasks;
    private readonly FakeEcsQuotas? quotas;
    private WebApplication? app;
    private int throttledCount;

    private FakeEcs(FakeEcsOptions options)
    {
        this.options = options;
        definitions = new FakeEcsTaskDefinitionStore(options.Region, options.AccountId, options.TimeProvider);
        tasks = new FakeEcsTaskStore(options.Region, options.AccountId, options.TimeProvider, definitions);
        quotas = options.EnforceQuotas ? new FakeEcsQuotas(options.Quotas) : null;
    }

    /// <summary>Gets the endpoint of both APIs (ECS and tagging), e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Gets the region requests must be signed for.</summary>
    public string Region => options.Region;

    /// <summary>Gets the account id used in ARNs.</summary>
    public string AccountId => options.AccountId;

    /// <summary>Gets every request received so far, oldest first (a snapshot).</summary>
    public IReadOnlyList<FakeEcsRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.ToList();
            }
        }
    }

    /// <summary>Gets the number of requests received per operation (a snapshot).</summary>
    public IReadOnlyDictionary<string, int> CallCounts
    {
        get
        {
            lock (gate)
            {
                return requests.GroupBy(r => r.Operation, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Gets the number of calls answered with a throttling error (quotas or injected faults).</summary>
    public int ThrottledCount => Volatile.Read(ref throttledCount);

    /// <summary>Gets every task-definition revision, in registration order (a snapshot).</summary>
    public IReadOnlyList<FakeEcsTaskDefinition> TaskDefinitions
    {
        get
        {
            lock (gate)
            {
                return definitions.Snapshot();
            }
        }
    }

    /// <summary>Gets every task started, in launch order (a snapshot).</summary>
    public IReadOnlyList<FakeEcsTask> Tasks
    {
        get
        {
            lock (gate)
            {
                return tasks.Snapshot();
            }
        }
    }

    /// <summary>Starts a fake on a free port of 127.0.0.1.</summary>
    /// <param name="options">The options; <see langword="null"/>: the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running fake.</returns>
    public static async Task<FakeEcs> StartAsync(FakeEcsOptions? options = null, CancellationToken cancellationToken = default)
    {
        var fake = new FakeEcs(options ?? new FakeEcsOptions());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/", fake.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.Url = new Uri(address.TrimEnd('/') + "/", UriKind.Absolute);
        fake.app = app;
        return fake;
    }

    /// <summary>
    /// Points agent options at this fake: <see cref="AgentOptions.EcsServiceUrl"/>, <see cref="AgentOptions.TaggingServiceUrl"/>,
    /// <see cref="AgentOptions.RegionName"/> and the test credentials.
    /// </summary>
    /// <param name="options">The options to change.</param>
    /// <returns>The same options.</returns>
    public AgentOptions ApplyTo(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EcsServiceUrl = Url;
        options.TaggingServiceUrl = Url;
        options.RegionName = Region;
        options.AwsAccessKeyId = AccessKeyId;
        options.AwsSecretAccessKey = SecretAccessKey;
        options.AwsSessionToken = null;
        return options;
    }

    /// <summary>Makes the next <paramref name="times"/> calls of <paramref name="operation"/> answer <paramref name="fault"/>.</summary>
    /// <param name="operation">The operation, e.g. <c>RunTask</c>, <c>DescribeTaskDefinition</c>, <c>GetResources</c>.</param>
    /// <param name="fault">The fault.</param>
    /// <param name="times">How many calls.</param>
    public void InjectFault(string operation, FakeEcsFault fault, int times = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        lock (gate)
        {
            if (!faults.TryGetValue(operation, out var queue))
            {
                faults[operation] = queue = new Queue<FakeEcsFault>();
            }

            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>Gets the number of requests received for one operation.</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>The count.</returns>
    public int GetCallCount(string operation)
    {
        lock (gate)
        {
            return requests.Count(r => r.Operation == operation);
        }
    }

    /// <summary>Registers a task definition directly (as RegisterTaskDefinition would, model validation included), e.g. to seed a test.</summary>
    /// <param name="request">A RegisterTaskDefinition request body.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="ArgumentException">The request is not valid for ECS.</exception>
    public FakeEcsTaskDefinition RegisterTaskDefinition(JsonObject request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var validation = AwsModelValidator.Ecs.Validate("RegisterTaskDefinition", request);
        if (!validation.IsValid)
        {
            throw new ArgumentException(validation.Report, nameof(request));
        }

        lock (gate)
        {
            try
            {
                var arn = definitions.Register(request)["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
                return definitions.Snapshot().Single(d => d.Arn == arn);
            }
            catch (FakeEcsErrorException ex)
            {
                throw new ArgumentException($"{ex.ErrorCode}: {ex.Message}", nameof(request), ex);
            }
        }
    }

    /// <summary>Forgets the recorded requests and the throttled count (state and faults are kept).</summary>
    public void ClearRequests()
    {
        lock (gate)
        {
            requests.Clear();
            Interlocked.Exchange(ref throttledCount, 0);
        }
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task completing when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        quotas?.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var http = context.Request;
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();
        var headers = http.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var target = headers.GetValueOrDefault("x-amz-target") ?? string.Empty;
        var (service, operation, validator) = target.StartsWith(EcsTargetPrefix, StringComparison.Ordinal)
            ? ("ecs", target[EcsTargetPrefix.Length..], AwsModelValidator.Ecs)
            : target.StartsWith(TaggingTargetPrefix, StringComparison.Ordinal)
                ? ("tagging", target[TaggingTargetPrefix.Length..], AwsModelValidator.Tagging)
                : ("unknown", target, null);
        var signature = SigV4Verifier.Verify(
            http.Method, http.Path.HasValue ? http.Path.Value! : "/", http.QueryString.HasValue ? http.QueryString.Value![1..] : string.Empty,
            headers, body, key => key == AccessKeyId ? SecretAccessKey : null, options.Region, service);
        var receivedAt = options.TimeProvider.GetUtcNow();
        var status = 500;
        string? errorCode = null;
        try
        {
            JsonObject response;
            try
            {
                response = await ExecuteAsync(service, operation, validator, signature, body, context).ConfigureAwait(false);
            }
            catch (FakeEcsErrorException ex)
            {
                status = ex.StatusCode;
                errorCode = ex.ErrorCode;
                await WriteAsync(context, ex.StatusCode, new JsonObject { ["__type"] = ex.ErrorCode, ["message"] = ex.Message }).ConfigureAwait(false);
                return;
            }

            status = 200;
            await WriteAsync(context, 200, response).ConfigureAwait(false);
        }
        catch (DroppedConnectionException)
        {
            status = 0;
            context.Abort();
        }
        finally
        {
            lock (gate)
            {
                requests.Add(new FakeEcsRequest(service, operation, System.Text.Encoding.UTF8.GetString(body), headers, signature.Valid, status, errorCode, receivedAt));
            }
        }
    }

    private async Task<JsonObject> ExecuteAsync(string service, string operation, AwsModelValidator? validator, SigV4Result signature, byte[] body, HttpContext context)
    {
        if (validator is null || !validator.HasOperation(operation))
        {
            throw new FakeEcsErrorException(400, "UnknownOperationException", $"Unknown operation '{operation}' (X-Amz-Target).");
        }

        if (options.RequireSignature && !signature.Valid)
        {
            throw new FakeEcsErrorException(signature.StatusCode, signature.ErrorCode!, signature.Message!);
        }

        if (options.Latency > TimeSpan.Zero)
        {
            await Task.Delay(options.Latency, options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
        }

        FakeEcsFault? fault;
        lock (gate)
        {
            fault = faults.TryGetValue(operation, out var queue) && queue.Count > 0 ? queue.Dequeue() : null;
        }

        if (fault?.Delay is { } delay)
        {
            await Task.Delay(delay, options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
        }

        if (fault?.Disconnect == true)
        {
            throw new DroppedConnectionException();
        }

        if (fault?.ErrorCode is { } faultCode)
        {
            var code = faultCode == "ThrottlingException" && service == "tagging" ? "ThrottledException" : faultCode;
            if (code is "ThrottlingException" or "ThrottledException")
            {
                Interlocked.Increment(ref throttledCount);
            }

            throw new FakeEcsErrorException(fault.StatusCode, code, fault.Message ?? code);
        }

        JsonNode? parsed;
        try
        {
            parsed = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new FakeEcsErrorException(400, "SerializationException", "The request body is not valid JSON: " + ex.Message);
        }

        if (parsed is not JsonObject request)
        {
            throw new FakeEcsErrorException(400, "SerializationException", "The request body must be a JSON object.");
        }

        if (quotas is not null && !quotas.TryAcquire(operation, request))
        {
            Interlocked.Increment(ref throttledCount);
            throw new FakeEcsErrorException(400, "ThrottlingException", "Rate exceeded");
        }

        var validation = validator.Validate(operation, request);
        if (!validation.IsValid)
        {
            throw new FakeEcsErrorException(400, validation.HasTypeError ? "SerializationException" : "InvalidParameterException", validation.Report);
        }

        lock (gate)
        {
            return operation switch
            {
                "RegisterTaskDefinition" => definitions.Register(request),
                "DescribeTaskDefinition" => definitions.Describe(request),
                "DeregisterTaskDefinition" => definitions.Deregister(request),
                "ListTaskDefinitions" => definitions.List(request),
                "RunTask" => tasks.Run(request, fault?.RunTaskFailureReason),
                "DescribeTasks" => tasks.Describe(request),
                "GetResources" => definitions.GetResources(request),
                _ => throw new FakeEcsErrorException(400, "UnsupportedOperationException", $"The fake ECS does not implement {operation}."),
            };
        }
    }

    private async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString("D");
        var bytes = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private sealed class DroppedConnectionException : Exception;
}
