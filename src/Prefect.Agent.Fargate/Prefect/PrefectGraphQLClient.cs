using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>
/// A small GraphQL-over-HTTP client speaking Prefect 0.15's dialect: <c>POST</c> to the API URL with
/// <c>{"query": ..., "variables": "&lt;JSON string&gt;"}</c> and the <c>X-PREFECT-*</c> headers.
/// </summary>
/// <remarks>
/// Retries (Polly.Core, so that the direct path works without DI): HTTP 429 waits as long as <c>Retry-After</c> asks
/// (else exponential back-off), 5xx, timeouts and connection errors back off exponentially with jitter; after
/// <see cref="PrefectClientSettings.MaxRetries"/> retries the call fails. Every attempt has its own timeout
/// (<see cref="AgentOptions.ApiRequestTimeout"/>).
/// </remarks>
internal sealed class PrefectGraphQLClient : IDisposable
{
    /// <summary>The core version the original sends in <c>X-PREFECT-CORE-VERSION</c>.</summary>
    public const string CoreVersion = "0.15.0";

    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly PrefectCredentials credentials;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;
    private readonly ILogger logger;

    /// <summary>Initializes a new instance of the <see cref="PrefectGraphQLClient"/> class.</summary>
    /// <param name="apiUrl">The API URL (posted to as is, trailing slash stripped).</param>
    /// <param name="credentials">The credential.</param>
    /// <param name="tenantId">The configured tenant, if any.</param>
    /// <param name="httpClient">The HTTP client; <see langword="null"/>: one of its own.</param>
    /// <param name="settings">Timeouts and retries.</param>
    /// <param name="timeProvider">The clock of the retry and timeout delays.</param>
    /// <param name="logger">The logger.</param>
    public PrefectGraphQLClient(Uri apiUrl, PrefectCredentials credentials, string? tenantId, HttpClient? httpClient, PrefectClientSettings settings, TimeProvider timeProvider, ILogger logger)
    {
        ApiUrl = new Uri(apiUrl.ToString().TrimEnd('/'), UriKind.Absolute);
        this.credentials = credentials;
        TenantId = string.IsNullOrEmpty(tenantId) ? null : tenantId;
        this.logger = logger;
        ownsHttp = httpClient is null;

        // Our own client has no overall timeout: each attempt is bounded by the pipeline's timeout instead.
        http = httpClient ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        pipeline = BuildPipeline(settings, timeProvider);
    }

    /// <summary>Gets the API URL requests go to.</summary>
    public Uri ApiUrl { get; }

    /// <summary>Gets the credential.</summary>
    public PrefectCredentials Credentials => credentials;

    /// <summary>Gets or sets the tenant id (sent as <c>X-PREFECT-TENANT-ID</c> together with an API key).</summary>
    public string? TenantId { get; set; }

    /// <summary>Gets or sets the agent id (sent as <c>X-PREFECT-AGENT-ID</c> once registered).</summary>
    public string? AgentId { get; set; }

    /// <summary>Builds the request body exactly as the original (Python's <c>json.dumps</c> of query and variables string).</summary>
    /// <param name="query">The GraphQL text.</param>
    /// <param name="variables">The variables, or <see langword="null"/>.</param>
    /// <returns>The body.</returns>
    public static string BuildBody(string query, JsonObject? variables)
    {
        var body = new StringBuilder("{\"query\": ");
        PythonJson.WriteString(body, query);
        body.Append(", \"variables\": ");
        PythonJson.WriteString(body, PythonJson.Serialize(variables));
        body.Append('}');
        return body.ToString();
    }

    /// <summary>Sends one operation and returns its <c>data</c>.</summary>
    /// <param name="operation">The top-level field, for messages and logs.</param>
    /// <param name="query">The GraphQL text.</param>
    /// <param name="variables">The variables, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The <c>data</c> object.</returns>
    /// <exception cref="PrefectAuthenticationException">The credential was refused.</exception>
    /// <exception cref="PrefectApiException">The API answered with GraphQL errors.</exception>
    /// <exception cref="HttpRequestException">The API could not be reached or kept failing.</exception>
    public async Task<JsonObject> ExecuteAsync(string operation, string query, JsonObject? variables, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(operation, query, variables, cancellationToken).ConfigureAwait(false);
        var (data, errors) = await ReadResponseAsync(operation, response, cancellationToken).ConfigureAwait(false);
        return errors.Count > 0 ? throw new PrefectApiException(operation, errors) : data;
    }

    /// <summary>
    /// Sends a document of several top-level fields and returns its <c>data</c> with the errors of the fields that
    /// failed (each names its field in <see cref="PrefectApiError.Path"/>): the fields of a mutation run one after the
    /// other, and one failing does not undo or stop the others.
    /// </summary>
    /// <param name="operation">The top-level fields, for messages and logs.</param>
    /// <param name="query">The GraphQL text.</param>
    /// <param name="variables">The variables, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The <c>data</c> object (a failed field is null in it) and the field errors.</returns>
    /// <exception cref="PrefectAuthenticationException">The credential was refused.</exception>
    /// <exception cref="PrefectApiException">The API answered without data (the document was refused as a whole).</exception>
    /// <exception cref="HttpRequestException">The API could not be reached or kept failing.</exception>
    public async Task<(JsonObject Data, IReadOnlyList<PrefectApiError> Errors)> ExecuteFieldsAsync(string operation, string query, JsonObject? variables, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(operation, query, variables, cancellationToken).ConfigureAwait(false);
        return await ReadResponseAsync(operation, response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(string operation, string query, JsonObject? variables, CancellationToken cancellationToken)
    {
        var body = BuildBody(query, variables);
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    using var request = state.Client.CreateRequest(state.Body);
                    return await state.Client.http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (Client: this, Body: body)).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new HttpRequestException($"The Prefect API at {ApiUrl} did not answer '{operation}' in time (AgentOptions.ApiRequestTimeout), also after retries.", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (ownsHttp)
        {
            http.Dispose();
        }
    }

    private static List<PrefectApiError> ToErrors(List<GraphQLResponseError> errors) =>
        errors.Select(e => new PrefectApiError(
            e.Message ?? string.Empty,
            e.Path?.Select(p => p.ValueKind == JsonValueKind.String ? p.GetString() ?? string.Empty : p.GetRawText()).ToList() ?? [],
            e.Extensions?["code"] is JsonValue code && code.GetValueKind() == JsonValueKind.String ? code.GetValue<string>() : null)).ToList();

    private static bool IsAuthenticationError(IReadOnlyList<PrefectApiError> errors) =>
        errors.Any(e => e.Code == "UNAUTHENTICATED"
            || e.Message.Contains("UNAUTHENTICATED", StringComparison.Ordinal)
            || e.Message.Contains("Malformed Authorization header", StringComparison.Ordinal));

    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider timeProvider)
    {
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(PrefectClientSettings settings, TimeProvider timeProvider)
    {
        var retry = new RetryStrategyOptions<HttpResponseMessage>
        {
            ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                .Handle<HttpRequestException>()
                .Handle<TimeoutRejectedException>()
                .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
            MaxRetryAttempts = settings.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = settings.RetryBaseDelay,
            MaxDelay = settings.RetryMaxDelay,
            DelayGenerator = args =>
            {
                // A rate-limited request waits as long as the server asks (bounded), else the exponential back-off.
                if (args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests && RetryAfter(args.Outcome.Result, timeProvider) is { } wait)
                {
                    return ValueTask.FromResult<TimeSpan?>(wait < settings.MaxRetryAfter ? wait : settings.MaxRetryAfter);
                }

                return ValueTask.FromResult<TimeSpan?>(null);
            },
            OnRetry = args =>
            {
                var outcome = args.Outcome.Exception is { } ex ? ex.GetType().Name : $"HTTP {(int)args.Outcome.Result!.StatusCode}";
                logger.RetryingPrefectRequest(args.Context.OperationKey ?? "request", outcome, args.AttemptNumber + 1, LogDurations.Seconds(args.RetryDelay));
                return default;
            },
        };
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddRetry(retry)
            .AddTimeout(settings.RequestTimeout)
            .Build();
    }

    private HttpRequestMessage CreateRequest(string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ApiUrl)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (credentials.Bearer is { } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (credentials.ApiKey is not null && TenantId is not null)
        {
            request.Headers.TryAddWithoutValidation("X-PREFECT-TENANT-ID", TenantId);
        }

        request.Headers.TryAddWithoutValidation("X-PREFECT-CORE-VERSION", CoreVersion);
        if (AgentId is not null)
        {
            request.Headers.TryAddWithoutValidation("X-PREFECT-AGENT-ID", AgentId);
        }

        return request;
    }

    private async Task<(JsonObject Data, IReadOnlyList<PrefectApiError> Errors)> ReadResponseAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw credentials.Refused(ApiUrl, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} for '{operation}'");
        }

        // Read from the buffered content, not through a string: a page of runs or the task watch's states of a thousand
        // runs is tens to hundreds of kilobytes, and a string of it (two bytes a character) lands in the large object
        // heap at every call (benchmarks/README.md, "Memory").
        GraphQLResponse? envelope = null;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                envelope = await JsonSerializer.DeserializeAsync(stream, PrefectJsonContext.Default.GraphQLResponse, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException) when (!response.IsSuccessStatusCode)
        {
            // A non-JSON error page: reported below with its status.
        }
        catch (JsonException ex)
        {
            throw new PrefectApiException($"The Prefect API at {ApiUrl} answered '{operation}' with a body that is not JSON.", ex);
        }

        IReadOnlyList<PrefectApiError> errors = [];
        if (envelope?.Errors is { Count: > 0 } rawErrors)
        {
            errors = ToErrors(rawErrors);
            if (IsAuthenticationError(errors))
            {
                throw credentials.Refused(ApiUrl, errors[0].Message);
            }

            // An answer without data (or a non-2xx one) refused the document as a whole.
            if (envelope.Data is null || !response.IsSuccessStatusCode)
            {
                throw new PrefectApiException(operation, errors);
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"The Prefect API at {ApiUrl} answered '{operation}' with HTTP {(int)response.StatusCode} {response.ReasonPhrase}.",
                null,
                response.StatusCode);
        }

        return (envelope?.Data ?? throw new PrefectApiException($"The Prefect API at {ApiUrl} answered '{operation}' without data."), errors);
    }
}
