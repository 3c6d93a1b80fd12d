using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.S3;

/// <summary>The default <see cref="IExternalKwargsProvider"/>: per-flow JSON in S3 (reference section 3.2).</summary>
/// <remarks>
/// Unlike the original (item 16), only a missing object means "no external kwargs": access denied, a missing bucket,
/// bad credentials, throttling or network errors (after the client's retries) fail the run with the real reason. The
/// key always uses <c>/</c>, one thread-safe S3 client serves the agent's lifetime, and the client gets the agent's
/// botocore settings. The object body is never logged.
/// </remarks>
internal sealed class S3ExternalKwargsProvider : IExternalKwargsProvider, IDisposable
{
    private readonly IAmazonS3 client;
    private readonly string bucket;
    private readonly string? prefix;
    private readonly Func<string, string> slugify;
    private readonly ILogger logger;

    internal S3ExternalKwargsProvider(IAmazonS3 client, string bucket, string? prefix, Func<string, string> slugify, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentNullException.ThrowIfNull(slugify);
        ArgumentNullException.ThrowIfNull(logger);
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
        this.slugify = slugify;
        this.logger = logger;
    }

    /// <summary>Creates the provider with one S3 client for the agent's lifetime.</summary>
    /// <param name="options">The agent's resolved options (bucket, prefix, AWS keys, region, endpoint, botocore config).</param>
    /// <returns>The provider.</returns>
    public static S3ExternalKwargsProvider Create(AgentOptions options) => Create(options, Environment.GetEnvironmentVariable);

    /// <summary>Creates the provider, reading the region fallbacks through <paramref name="environment"/>.</summary>
    /// <param name="options">The agent's resolved options.</param>
    /// <param name="environment">Looks up an environment variable.</param>
    /// <param name="slugify">The flow-name slug function; <see langword="null"/>: python-slugify's defaults.</param>
    /// <returns>The provider.</returns>
    internal static S3ExternalKwargsProvider Create(AgentOptions options, Func<string, string?> environment, Func<string, string>? slugify = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        if (string.IsNullOrEmpty(options.ExternalKwargsS3Bucket))
        {
            throw new ArgumentException(
                "UseExternalKwargs is on but ExternalKwargsS3Bucket (external_kwargs_s3_bucket) is not set: set the bucket holding the per-flow kwargs.",
                nameof(options));
        }

        var client = S3ClientFactory.Create(options, environment);
        return new S3ExternalKwargsProvider(
            client,
            options.ExternalKwargsS3Bucket,
            options.ExternalKwargsS3Key,
            slugify ?? Kwargs.Slugify.Slug,
            options.LoggerFactory.CreateLogger<S3ExternalKwargsProvider>());
    }

    /// <inheritdoc/>
    public async Task<JsonObject?> GetKwargsAsync(FlowRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var id8 = S3ObjectKey.Id8(run.Flow.Id);
        var key = S3ObjectKey.Build(prefix, run.Flow.Name, run.Flow.Id, slugify);
        logger.FetchingExternalKwargs(id8, bucket, key);
        var body = await ReadAsync(id8, key, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return null;
        }

        var kwargs = Parse(body, key);
        logger.ExternalKwargsRead(bucket, key, kwargs.Count == 0 ? "(none)" : string.Join(", ", kwargs.Select(p => p.Key)));
        return kwargs;
    }

    public void Dispose() => client.Dispose();

    private static string Hint(string? errorCode) => errorCode switch
    {
        "AccessDenied" => " Grant the agent's AWS identity s3:GetObject on the object (S3 also answers AccessDenied for a missing object when the identity may not s3:ListBucket the bucket).",
        "NoSuchBucket" => " Check ExternalKwargsS3Bucket (external_kwargs_s3_bucket) and the region.",
        "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" => " Check the agent's AWS credentials.",
        _ => string.Empty,
    };

    private static string Position(JsonException e) =>
        e.LineNumber is { } line ? $"line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : "an unknown position";

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonValue value => "a " + value.GetValueKind().ToString().ToLowerInvariant(),
        _ => "a value",
    };

    private async Task<byte[]?> ReadAsync(string id8, string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e is NoSuchKeyException || string.Equals(e.ErrorCode, "NoSuchKey", StringComparison.Ordinal))
        {
            logger.NoExternalKwargs(id8, bucket, key);
            return null;
        }
        catch (AmazonServiceException e)
        {
            var reason = $"{e.ErrorCode ?? "error"} (HTTP {(int)e.StatusCode}{(e.RequestId is { Length: > 0 } id ? ", request id " + id : string.Empty)}): {e.Message}";
            throw Fail(key, reason + "." + Hint(e.ErrorCode), e);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or IOException or WebException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = e is OperationCanceledException ? "the request timed out (BotocoreConfig.ReadTimeout)" : e.Message;
            throw Fail(key, reason, e);
        }
    }

    private ExternalKwargsException Fail(string key, string reason, Exception inner)
    {
        logger.ExternalKwargsFailed(bucket, key, reason);
        return new ExternalKwargsException($"Reading the external kwargs from s3://{bucket}/{key} failed: {reason}", inner);
    }

    private JsonObject Parse(byte[] body, string key)
    {
        ReadOnlySpan<byte> utf8 = body;
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8);

            // JsonObject materialises lazily and only then refuses a duplicate key: do it here, inside the error handling.
            _ = (node as JsonObject)?.Count;
        }
        catch (ArgumentException e)
        {
            throw Fail(key, $"the JSON object has a duplicate key: {e.Message}", e);
        }
        catch (JsonException e)
        {
            // The parser's own message names the offending character at most; the position is what the user needs.
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal) is var p and >= 0 ? p : message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            var reason = cut >= 0 ? message[..cut] : message;
            throw Fail(key, $"the object is not valid JSON at {Position(e)}: {reason}", e);
        }

        return node as JsonObject ?? throw new ExternalKwargsException(
            $"The external kwargs at s3://{bucket}/{key} must be a JSON object of kwargs (e.g. {{\"cpu\": \"1024\"}}); the object holds {Kind(node)}.");
    }
}
