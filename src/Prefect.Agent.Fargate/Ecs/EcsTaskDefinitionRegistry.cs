using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>
/// The default <see cref="ITaskDefinitionRegistry"/>: the original's existence check and registration (reference
/// sections 3.5, 3.6, 3.9), with a per-process cache, single flight per definition, drift detection, and "not found"
/// told apart from every other error.
/// </summary>
/// <remarks>
/// Deliberate differences from the original: the answer is always the ARN of the revision found or just registered
/// (never the bare family name, which a concurrent registration can move; item 7); only ECS's "not found" answer means
/// missing (item 4); a described definition that differs from the request gets a new revision unless
/// <see cref="AgentOptions.ReuseExistingTaskDefinitions"/> (item 5); a describe answer without <c>tags</c> means no tags
/// and a flow without a version counts as version 0 (item 9); the tag lookup reads every page and takes the highest
/// revision of the family rather than the last element of the first page (item 7).
/// </remarks>
internal sealed class EcsTaskDefinitionRegistry : ITaskDefinitionRegistry, IDisposable
{
    private readonly IEcsClient client;
    private readonly bool reuseExisting;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<CacheKey, Entry> cache = new();

    // Every answer given, with the request it stood for. The cache entry of a refused answer is dropped by the first
    // run that reports it; the runs refused for the same answer at the same time find the request here.
    private readonly ConcurrentDictionary<string, TaskDefinitionRequest> answered = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource lifetime = new();

    public EcsTaskDefinitionRegistry(IEcsClient client, bool reuseExisting, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        this.client = client;
        this.reuseExisting = reuseExisting;
        this.logger = logger;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A definition known to exist and to match is answered without any ECS call. Concurrent calls for the same
    /// definition share one ECS lookup/registration, which runs on the registry's lifetime (a caller's cancellation
    /// stops only its own wait). A failed lookup is forgotten, so the next run tries again.
    /// </remarks>
    public async Task<string> EnsureAsync(TaskDefinitionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(lifetime.IsCancellationRequested, this);
        var key = new CacheKey(request.Family, Hash(request));
        var entry = cache.GetOrAdd(key, static (_, request) => Entry.Create(request), request);
        if (entry.Value is { } known)
        {
            logger.TaskDefinitionCacheHit(request.Family, known);
            return known;
        }

        if (entry.TryClaim())
        {
            // The first caller starts the shared work; it runs on the registry's lifetime, not on this caller's token.
            entry.Work = RunSharedAsync(key, entry);
        }

        return await entry.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets every cached definition of a family (e.g. after it was deregistered).</summary>
    /// <param name="family">The family.</param>
    public void Invalidate(string family)
    {
        ArgumentNullException.ThrowIfNull(family);
        foreach (var pair in cache)
        {
            if (string.Equals(pair.Key.Family, family, StringComparison.Ordinal))
            {
                cache.TryRemove(pair);
            }
        }

        logger.TaskDefinitionInvalidated(family, "invalidated");
    }

    /// <summary>
    /// Forgets a task definition RunTask refused as inactive or missing, and ensures the definition it stood for again.
    /// </summary>
    /// <param name="taskDefinition">The refused <c>taskDefinition</c> this registry answered earlier.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new <c>taskDefinition</c>, or <see langword="null"/> when this registry did not answer it.</returns>
    public async Task<string?> ReEnsureAsync(string taskDefinition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskDefinition);
        TaskDefinitionRequest? request = null;

        // Only the entries that answered the refused value are dropped: other revisions of the family stay valid,
        // and concurrent runs refused for the same value do not drop each other's fresh entry.
        foreach (var pair in cache)
        {
            if (string.Equals(pair.Value.Value, taskDefinition, StringComparison.Ordinal)
                && cache.TryRemove(pair))
            {
                request ??= pair.Value.Request;
                logger.TaskDefinitionInvalidated(pair.Key.Family, $"RunTask refused {taskDefinition}");
            }
        }

        if (request is null && !answered.TryGetValue(taskDefinition, out request))
        {
            return null;
        }

        // Concurrent callers share one lookup/registration through the cache's single flight.
        return await EnsureAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (!lifetime.IsCancellationRequested)
        {
            lifetime.Cancel();
        }

        lifetime.Dispose();
    }

    private static string Hash(TaskDefinitionRequest request)
    {
        var text = string.Join('\n', request.Family, request.TaskRevisions ? "1" : "0", request.FlowId8,
            request.FlowVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", request.RegisterRequest.ToJsonString());
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private async Task RunSharedAsync(CacheKey key, Entry entry)
    {
        try
        {
            var value = await new TaskDefinitionResolver(client, reuseExisting, logger).ResolveAsync(entry.Request, lifetime.Token).ConfigureAwait(false);
            answered[value] = entry.Request;
            entry.Value = value;
            entry.Completion.SetResult(value);
        }
        catch (Exception e)
        {
            // A failure is not cached: the entry goes, so the next run asks ECS again.
            cache.TryRemove(new KeyValuePair<CacheKey, Entry>(key, entry));
            entry.Completion.SetException(e);
        }
    }

    private readonly record struct CacheKey(string Family, string Hash);

    private sealed class Entry
    {
        private int claimed;
        private string? value;

        private Entry(TaskDefinitionRequest request) => Request = request;

        /// <summary>Gets the cache's own copy of the request (the caller's body may change after the call).</summary>
        public TaskDefinitionRequest Request { get; }

        public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets or sets the answer once known; read without awaiting on the hot path.</summary>
        public string? Value { get => Volatile.Read(ref this.value); set => Volatile.Write(ref this.value, value); }

        /// <summary>Gets or sets the shared work, kept so it is observed.</summary>
        public Task? Work { get; set; }

        public static Entry Create(TaskDefinitionRequest request) => new(new TaskDefinitionRequest
        {
            Family = request.Family,
            RegisterRequest = (JsonObject)request.RegisterRequest.DeepClone(),
            FlowId8 = request.FlowId8,
            FlowVersion = request.FlowVersion,
            TaskRevisions = request.TaskRevisions,
        });

        public bool TryClaim() => Interlocked.Exchange(ref claimed, 1) == 0;
    }
}
