using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Prefect.Agent.Fargate.Aws;

namespace Prefect.Agent.Fargate.Ecs.Client;

/// <summary>
/// The ECS and tagging API client: JSON 1.1 over <see cref="HttpClient"/>. Each attempt waits for the rate governor,
/// is signed by <see cref="SigV4SigningHandler"/> (so retries are re-signed) and bounded by the read timeout; the
/// Polly retry pipeline outside it retries connection errors, timeouts, 5xx and throttling with AWS-standard
/// full-jitter exponential back-off.
/// </summary>
internal sealed class EcsClient : IEcsClient, IDisposable
{
    /// <summary>The AWS standard mode's back-off cap.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(20);

    private static readonly ResiliencePropertyKey<string> OperationKey = new("aws.operation");
    private static readonly ResiliencePropertyKey<string> ServiceKey = new("aws.service");
    private static readonly ResiliencePropertyKey<bool> RetryThrottlingKey = new("aws.retry-throttling");
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");

    private readonly AwsClientSettings settings;
    private readonly EcsRateGovernor? governor;
    private readonly ILogger logger;
    private readonly TimeProvider timeProvider;
    private readonly HttpClient http;
    private readonly ResiliencePipeline<ResponseBody> retryPipeline;
    private readonly ResiliencePipeline timeoutPipeline;

    /// <summary>Initializes a new instance of the <see cref="EcsClient"/> class.</summary>
    /// <param name="settings">Credentials, region, endpoints, botocore config.</param>
    /// <param name="governor">The rate governor, or <see langword="null"/> for none.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock of delays and timeouts.</param>
    /// <param name="primaryHandler">The transport; <see langword="null"/>: a pooled <see cref="SocketsHttpHandler"/>.</param>
    /// <param name="retryBaseDelay">The back-off base; <see langword="null"/>: one second (AWS standard mode).</param>
    public EcsClient(
        AwsClientSettings settings,
        EcsRateGovernor? governor,
        ILogger? logger,
        TimeProvider timeProvider,
        HttpMessageHandler? primaryHandler = null,
        TimeSpan? retryBaseDelay = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.settings = settings;
        this.governor = governor;
        this.logger = logger ?? NullLogger.Instance;
        this.timeProvider = timeProvider;
        var botocore = settings.Botocore;
        primaryHandler ??= new SocketsHttpHandler
        {
            ConnectTimeout = botocore.ConnectTimeout,
            MaxConnectionsPerServer = settings.MaxConnectionsPerServer,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        var signer = new SigV4SigningHandler(
            new AWSSigV4Parameters { Credentials = settings.Credentials, Region = settings.Region, Service = AwsService.Ecs.SigningName },
            primaryHandler);
        http = new HttpClient(signer, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("prefect-agent-fargate/" + (typeof(EcsClient).Assembly.GetName().Version?.ToString(3) ?? "0"));

        var baseDelay = retryBaseDelay ?? TimeSpan.FromSeconds(1);
        var retryBuilder = new ResiliencePipelineBuilder<ResponseBody> { TimeProvider = timeProvider };
        if (botocore.MaxAttempts > 1)
        {
            retryBuilder.AddRetry(new RetryStrategyOptions<ResponseBody>
            {
                MaxRetryAttempts = botocore.MaxAttempts - 1,
                ShouldHandle = static args => ValueTask.FromResult(
                    IsRetryable(args.Outcome.Exception, args.Context.CancellationToken)
                    && (args.Context.Properties.GetValue(RetryThrottlingKey, true) || args.Outcome.Exception is not RetryableAwsCallException { Error.Reason: "ThrottlingException" })),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(FullJitterDelay(baseDelay, args.AttemptNumber)),
                OnRetry = args =>
                {
                    this.logger.AttemptRetried(
                        args.Context.Properties.GetValue(ServiceKey, "?"),
                        args.Context.Properties.GetValue(OperationKey, "?"),
                        args.AttemptNumber + 1,
                        DescribeFailure(args.Outcome.Exception),
                        args.AttemptNumber + 1,
                        LogDurations.Seconds(args.RetryDelay));
                    return default;
                },
            });
        }

        retryPipeline = retryBuilder.Build();
        timeoutPipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddTimeout(botocore.ReadTimeout > TimeSpan.Zero ? botocore.ReadTimeout : TimeSpan.FromSeconds(60))
            .Build();
    }

    public EcsClientStatistics Statistics { get; } = new();

    /// <summary>Creates the agent's client: settings from the options, the governor of its EcsRateLimits (shared through their Limiter), the options' logger and clock.</summary>
    /// <param name="options">The agent's resolved options.</param>
    /// <param name="settings">Settings already resolved, or <see langword="null"/> to resolve them.</param>
    /// <param name="retryBaseDelay">The per-call back-off base; <see langword="null"/>: one second (AWS standard mode).</param>
    /// <returns>The client.</returns>
    public static EcsClient Create(AgentOptions options, AwsClientSettings? settings = null, TimeSpan? retryBaseDelay = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        settings ??= AwsClientSettings.Resolve(options);
        var governor = EcsRateGovernor.Create(settings.EcsEndpoint, settings.Region.SystemName, options.EcsRateLimits ?? new EcsRateLimitOptions(), options.TimeProvider);
        return new EcsClient(settings, governor, options.LoggerFactory.CreateLogger("Prefect.Agent.Fargate.Ecs.Client"), options.TimeProvider, retryBaseDelay: retryBaseDelay);
    }

    /// <summary>Computes the AWS standard mode's back-off: a random delay up to <c>min(base * 2^attempt, 20 s)</c>.</summary>
    /// <param name="baseDelay">The base.</param>
    /// <param name="attemptNumber">The retry number, from 0.</param>
    /// <returns>The delay.</returns>
    public static TimeSpan FullJitterDelay(TimeSpan baseDelay, int attemptNumber)
    {
        var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attemptNumber, 30)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    public Task<JsonObject> RegisterTaskDefinitionAsync(JsonObject request, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Ecs, "RegisterTaskDefinition", request, cancellationToken);

    public Task<JsonObject> RegisterTaskDefinitionAsync(JsonObject request, bool retryThrottling, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Ecs, "RegisterTaskDefinition", request, cancellationToken, retryThrottling);

    public ValueTask WaitForRegistrationTurnAsync(CancellationToken cancellationToken) =>
        governor?.WaitForTokenAsync("RegisterTaskDefinition", cancellationToken) ?? ValueTask.CompletedTask;

    public Task<JsonObject> DescribeTaskDefinitionAsync(JsonObject request, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Ecs, "DescribeTaskDefinition", request, cancellationToken);

    public Task<JsonObject> ListTaskDefinitionsAsync(JsonObject request, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Ecs, "ListTaskDefinitions", request, cancellationToken);

    public Task<JsonObject> ListTaskDefinitionFamiliesAsync(JsonObject request, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Ecs, "ListTaskDefinitionFamilies", request, cancellationToken);

    public Task<JsonObject> RunTaskAsync(JsonObject request, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Ecs, "RunTask", request, cancellationToken);

    public Task<JsonObject> DescribeTasksAsync(JsonObject request, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Ecs, "DescribeTasks", request, cancellationToken);

    public Task<IReadOnlyList<EcsTaskStatus>> DescribeTaskStatusesAsync(JsonObject request, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Ecs, "DescribeTasks", request, EcsTaskStatusReader.Read, cancellationToken);

    public Task<JsonObject> ListTasksAsync(JsonObject request, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Ecs, "ListTasks", request, cancellationToken);

    public Task<JsonObject> StopTaskAsync(JsonObject request, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Ecs, "StopTask", request, cancellationToken);

    public Task<JsonObject> GetResourcesAsync(JsonObject request, CancellationToken cancellationToken) =>
        InvokeAsync(AwsService.Tagging, "GetResources", request, cancellationToken);

    /// <summary>Calls any operation of the ECS or tagging API.</summary>
    /// <param name="service">The service.</param>
    /// <param name="operation">The operation, e.g. <c>DeregisterTaskDefinition</c>.</param>
    /// <param name="request">The request body.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="retryThrottling">Whether a throttled attempt is retried (other retryable errors always are).</param>
    /// <returns>The response body.</returns>
    /// <exception cref="AwsServiceException">AWS answered with an error (after retries, if retryable).</exception>
    /// <exception cref="HttpRequestException">The endpoint could not be reached (after retries).</exception>
    /// <exception cref="TimeoutRejectedException">Every attempt timed out.</exception>
    public async Task<JsonObject> InvokeAsync(AwsService service, string operation, JsonObject request, CancellationToken cancellationToken, bool retryThrottling = true) =>
        (await InvokeCoreAsync(service, operation, request, read: null, retryThrottling, cancellationToken).ConfigureAwait(false)).Json!;

    /// <summary>
    /// Calls any operation and reads its answer where it lies, in the response's pooled buffer: nothing of the body is
    /// kept but what <paramref name="read"/> returns (no byte array, no JSON tree; used for large answers).
    /// </summary>
    /// <typeparam name="T">What is read.</typeparam>
    /// <param name="service">The service.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="request">The request body.</param>
    /// <param name="read">Reads the answer (an empty body reads as <c>{}</c>); must not keep the element.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What <paramref name="read"/> returned.</returns>
    /// <exception cref="AwsServiceException">AWS answered with an error (after retries, if retryable).</exception>
    /// <exception cref="HttpRequestException">The endpoint could not be reached (after retries).</exception>
    /// <exception cref="TimeoutRejectedException">Every attempt timed out.</exception>
    public async Task<T> InvokeAsync<T>(AwsService service, string operation, JsonObject request, Func<JsonElement, T> read, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        return (T)(await InvokeCoreAsync(service, operation, request, read, retryThrottling: true, cancellationToken).ConfigureAwait(false)).Read!;
    }

    public void Dispose() => http.Dispose();

    private async Task<ResponseBody> InvokeCoreAsync(AwsService service, string operation, JsonObject request, Func<JsonElement, object>? read, bool retryThrottling, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(request);
        Statistics.OnCall(operation);
        var body = Serialize(request);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(OperationKey, operation);
        context.Properties.Set(ServiceKey, service.SigningName);
        context.Properties.Set(RetryThrottlingKey, retryThrottling);
        try
        {
            return await retryPipeline.ExecuteAsync(
                static (ctx, state) => state.Client.AttemptAsync(state.Service, state.Operation, state.Request, state.Body, state.Read, ctx.CancellationToken),
                context,
                (Client: this, Service: service, Operation: operation, Request: request, Body: body, Read: read)).ConfigureAwait(false);
        }
        catch (RetryableAwsCallException ex)
        {
            // Retries are exhausted: the caller sees the AWS error itself.
            logger.CallFailed(ex.Error.Service, operation, (int)Statistics.GetAttempts(operation), ex.Error.ErrorCode, (int)ex.Error.StatusCode, ex.Error.RequestId);
            throw ex.Error;
        }
        catch (AwsServiceException ex)
        {
            logger.CallFailed(ex.Service, operation, (int)Statistics.GetAttempts(operation), ex.ErrorCode, (int)ex.StatusCode, ex.RequestId);
            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static bool IsRetryable(Exception? exception, CancellationToken callerToken) => exception switch
    {
        RetryableAwsCallException => true,
        HttpRequestException => true,
        TimeoutRejectedException => true,

        // SocketsHttpHandler's ConnectTimeout surfaces as a cancellation the caller did not ask for.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    private static string DescribeFailure(Exception? exception) => exception switch
    {
        RetryableAwsCallException aws => aws.Error.ErrorCode,
        null => "unknown",
        _ => exception.GetType().Name,
    };

    private static byte[] Serialize(JsonObject request)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            request.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private async ValueTask<ResponseBody> AttemptAsync(AwsService service, string operation, JsonObject request, byte[] body, Func<JsonElement, object>? read, CancellationToken cancellationToken)
    {
        if (governor is not null)
        {
            await governor.AcquireAsync(operation, request, cancellationToken).ConfigureAwait(false);
        }

        Statistics.OnAttempt(operation);
        var sentAt = timeProvider.GetUtcNow();
        return await timeoutPipeline.ExecuteAsync(
            static (state, ct) => state.Client.SendAsync(state.Service, state.Operation, state.Request, state.Body, state.Read, state.SentAt, ct),
            (Client: this, Service: service, Operation: operation, Request: request, Body: body, Read: read, SentAt: sentAt),
            cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ResponseBody> SendAsync(AwsService service, string operation, JsonObject request, byte[] body, Func<JsonElement, object>? read, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        var endpoint = ReferenceEquals(service, AwsService.Tagging) ? settings.TaggingEndpoint : settings.EcsEndpoint;
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", service.TargetPrefix + "." + operation);
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = JsonContentType;
        message.Options.Set(new HttpRequestOptionsKey<string>(SigV4SigningHandler.ServiceOptionKey), service.SigningName);

        // A reader reads the answer as it arrives (into pooled buffers that the document gives back when disposed):
        // buffered first, a DescribeTasks answer of 100 tasks (about 120 kB) would be a large-object-heap array a call.
        using var response = await http.SendAsync(message, read is null ? HttpCompletionOption.ResponseContentRead : HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        byte[] bytes;
        try
        {
            if (response.IsSuccessStatusCode && read is not null)
            {
                governor?.OnAnswered(operation, request);
                return new ResponseBody(null, await ReadAsync(response.Content, read, cancellationToken).ConfigureAwait(false));
            }

            bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (read is not null)
        {
            // The connection failed in the body: what HttpClient throws when it reads the body itself (and so is
            // retried the same way).
            throw new HttpRequestException((ex as HttpIOException)?.HttpRequestError ?? HttpRequestError.Unknown, "Error while copying content to a stream.", ex);
        }

        var requestId = Header(response, "x-amzn-RequestId");
        if (response.IsSuccessStatusCode)
        {
            governor?.OnAnswered(operation, request);
            return new ResponseBody(bytes.Length == 0 ? [] : JsonNode.Parse(bytes) as JsonObject ?? [], null);
        }

        var error = AwsErrorResponse.Parse(response.StatusCode, Header(response, "x-amzn-ErrorType"), requestId, bytes);
        if (error.IsThrottling)
        {
            Statistics.OnThrottled();
            governor?.OnThrottled(operation, request, sentAt);
            var group = EcsRateGovernor.GroupOf(operation);
            logger.Throttled(service.SigningName, operation, error.ErrorCode, group, governor?.GetBucket(group).EffectiveRatePerSecond ?? 0);
        }
        else
        {
            // An answer other than throttling: ECS's bucket had the token.
            governor?.OnAnswered(operation, request);
        }

        var exception = new AwsServiceException(service.SigningName, operation, error.StatusCode, error.ErrorCode, error.Message, error.RequestId);
        throw error.IsRetryable ? new RetryableAwsCallException(exception) : exception;
    }

    private static async Task<object> ReadAsync(HttpContent content, Func<JsonElement, object> read, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength == 0)
        {
            using var empty = JsonDocument.Parse("{}");
            return read(empty.RootElement);
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
            return read(document.RootElement);
        }
    }

    /// <summary>
    /// Wraps the body so that Polly's options (which keep all members of their result type for validation) do not root
    /// JsonObject's trimming-unsafe members: the body as a tree, or what a reader read from it.
    /// </summary>
    private sealed record ResponseBody(JsonObject? Json, object? Read);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
