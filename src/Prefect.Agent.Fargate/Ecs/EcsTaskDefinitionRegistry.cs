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
/// revision of the family rather than the last element of the first page (item 7); a new family that one
/// <c>ListTaskDefinitionFamilies</c> listing of the ACTIVE families does not name is registered without the describe
/// (one ECS call instead of two; <see cref="TaskDefinitionFamilyIndex"/>: staleness, page cap, failures).
/// </remarks>
internal sealed class EcsTaskDefinitionRegistry : ITaskDefinitionRegistry, IDisposable
{
    /// <summary>The family prefix of default mode (<c>prefect-task-&lt;id8&gt;</c>, reference section 3.3).</summary>
    public const string DefaultFamilyPrefix = "prefect-task-";

    private readonly IEcsClient client;
    private readonly bool reuseExisting;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<CacheKey, Entry> cache = new();
    private readonly CancellationTokenSource lifetime = new();

    // Once other agents are known to register on the account (describeFirst), this agent's look-then-register steps
    // take turns: each describe is made right before its registration, not before a long wait in the register bucket.
    private readonly SemaphoreSlim lookTurn = new(1, 1);

    // Cancelled with describeFirst: registrations without a describe still waiting for the register bucket look first.
    private readonly CancellationTokenSource contentionSeen = new();

    // One family listing per prefix (default mode: prefect-task-; revisions mode: the flow-name slugs, no prefix).
    private readonly ConcurrentDictionary<string, TaskDefinitionFamilyIndex> familyIndexes = new(StringComparer.Ordinal);
    private readonly TimeProvider timeProvider;
    private readonly bool listFamilies;
    private readonly int maxFamilyPages;

    // Set once a registration made without a describe (the listing did not name the family) was throttled or failed
    // transiently, e.g. because other agents of the account register too: from then on a family is described before it
    // is registered, so that the revision another agent registered meanwhile is reused instead of duplicated.
    private volatile bool describeFirst;

    /// <summary>Initializes a new instance of the <see cref="EcsTaskDefinitionRegistry"/> class.</summary>
    /// <param name="client">The ECS client.</param>
    /// <param name="reuseExisting">Whether a described definition is used as is (no drift check).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock of the family listing's freshness; <see langword="null"/>: the system clock.</param>
    /// <param name="listFamilies">
    /// Whether a new family is looked up in one <c>ListTaskDefinitionFamilies</c> listing (registered directly when
    /// absent) rather than described; <see langword="false"/>: always describe, as the original does.
    /// </param>
    /// <param name="maxFamilyPages">The listing's page cap (100 families a page).</param>
    /// <param name="sharedAccount">Whether the agent is told it shares the account (a static share): families are described before they are registered from the start.</param>
    public EcsTaskDefinitionRegistry(
        IEcsClient client,
        bool reuseExisting,
        ILogger logger,
        TimeProvider? timeProvider = null,
        bool listFamilies = true,
        int maxFamilyPages = TaskDefinitionFamilyIndex.DefaultMaxPages,
        bool sharedAccount = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        this.client = client;
        this.reuseExisting = reuseExisting;
        this.logger = logger;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.listFamilies = listFamilies;
        this.maxFamilyPages = maxFamilyPages;

        // An agent told it shares the account (EcsRateLimits.AccountShare below 1) knows other agents register too.
        describeFirst = sharedAccount;
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

        MarkSeen(family);
        logger.TaskDefinitionInvalidated(family, "invalidated");
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Only the cache entries that answered the refused value are dropped: other revisions of the family stay valid,
    /// and concurrent runs refused for the same value do not drop each other's fresh entry; they share one
    /// lookup/registration through the cache's single flight.
    /// </remarks>
    public async Task<string> EnsureAgainAsync(TaskDefinitionRequest request, string refusedTaskDefinition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(refusedTaskDefinition);
        foreach (var pair in cache)
        {
            if (string.Equals(pair.Value.Value, refusedTaskDefinition, StringComparison.Ordinal)
                && cache.TryRemove(pair))
            {
                logger.TaskDefinitionInvalidated(pair.Key.Family, $"RunTask refused {refusedTaskDefinition}");
            }
        }

        return await EnsureAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (!lifetime.IsCancellationRequested)
        {
            lifetime.Cancel();
        }

        lifetime.Dispose();
        lookTurn.Dispose();
        contentionSeen.Dispose();
    }

    private static string Hash(TaskDefinitionRequest request)
    {
        var text = string.Join('\n', request.Family, request.TaskRevisions ? "1" : "0", request.FlowId8,
            request.FlowVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", request.RegisterRequest.ToJsonString());
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private async Task RunSharedAsync(CacheKey key, Entry entry)
    {
        var notListed = false;
        try
        {
            var family = entry.Request.Family;
            var index = IndexFor(entry.Request);
            var presence = index is null
                ? TaskDefinitionFamilyPresence.Unknown
                : await index.LookupAsync(family, lifetime.Token).ConfigureAwait(false);
            var lookInTurn = describeFirst;
            notListed = presence == TaskDefinitionFamilyPresence.Absent && !lookInTurn;
            var resolver = new TaskDefinitionResolver(client, reuseExisting, logger, lookTurn)
            {
                ContentionSeen = contentionSeen.Token,
                OnContention = OnContention,
                LookInTurn = lookInTurn,
            };
            string value;
            try
            {
                value = await resolver.ResolveAsync(entry.Request, notListed, lifetime.Token).ConfigureAwait(false);
            }
            finally
            {
                // Throttled although the describe that followed found or registered the family: other agents of the
                // account register too, so later unlisted families are described first.
                if (resolver.BlindRegistrationThrottled)
                {
                    OnContention();
                }
            }

            MarkSeen(family);
            entry.Value = value;
            entry.Completion.SetResult(value);
        }
        catch (Exception e)
        {
            // A failure is not cached: the entry goes, so the next run asks ECS again (each waiting run on its own
            // back-off). After a blind registration failed transiently, the next attempts describe first.
            if (notListed && e is DeploymentStepException { Kind: DeploymentFaultKind.Transient })
            {
                OnContention();
            }

            cache.TryRemove(new KeyValuePair<CacheKey, Entry>(key, entry));
            entry.Completion.SetException(e);
        }
    }

    /// <summary>Other agents register on the account too: describe unlisted families first, and stop blind registrations still waiting.</summary>
    private void OnContention()
    {
        if (describeFirst)
        {
            return;
        }

        describeFirst = true;
        try
        {
            contentionSeen.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }

    /// <summary>
    /// Gets the listing that covers a request's family: <c>prefect-task-</c> in default mode; every family in revisions
    /// mode (flow-name slugs share no prefix; the page cap bounds the cost); none for any other family (e.g. the
    /// validation's <c>prefect-test-task-&lt;random&gt;</c>, described as before: a listing would cost as much).
    /// </summary>
    private TaskDefinitionFamilyIndex? IndexFor(TaskDefinitionRequest request)
    {
        if (!listFamilies)
        {
            return null;
        }

        var prefix = request.TaskRevisions ? string.Empty
            : request.Family.StartsWith(DefaultFamilyPrefix, StringComparison.Ordinal) ? DefaultFamilyPrefix
            : null;
        return prefix is null ? null : familyIndexes.GetOrAdd(
            prefix,
            static (prefix, registry) => new TaskDefinitionFamilyIndex(
                registry.client, prefix, registry.logger, registry.timeProvider, registry.lifetime.Token, registry.maxFamilyPages),
            this);
    }

    private void MarkSeen(string family)
    {
        foreach (var index in familyIndexes.Values)
        {
            if (index.Covers(family))
            {
                index.MarkSeen(family);
            }
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
