using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>
/// The ACTIVE task-definition families whose names start with one prefix, learned with a paginated
/// <c>ListTaskDefinitionFamilies</c> once, lazily on first need and single-flighted, so that a family the listing does
/// not name is registered without a <c>DescribeTaskDefinition</c> first (one ECS call per new family instead of two).
/// </summary>
/// <remarks>
/// <para>
/// Staleness: another agent (or a user) may register a family after the listing. This agent then registers one more
/// revision of it instead of describing it first. That is harmless for the reference's semantics (sections 3.5, 3.6,
/// 3.9): the original registers whenever its describe fails, and two agents already race the same way between
/// describe and register today. ECS keeps both revisions ACTIVE; this agent runs the ARN it registered (never the bare
/// family name), and the next describe by anyone finds the newest revision, which carries this agent's configuration
/// (the same content when the agents share it; in revisions mode, this flow's tags, as after the original's
/// "flow.version >= tagged version" registration). The window is bounded: a listing is used for
/// <see cref="DefaultFreshFor"/>, then listed again on the next need; families this registry resolved since are
/// described, never registered blind.
/// </para>
/// <para>
/// Never a reason to fail a deployment: a failed listing (no <c>ecs:ListTaskDefinitionFamilies</c> permission,
/// throttling after retries, a network error) or one longer than <see cref="DefaultMaxPages"/> pages (an account with
/// many families must not delay the first deployment) leaves every family unknown, i.e. described as before. A denied
/// or too-long listing is not tried again; another failure is retried after <see cref="DefaultFreshFor"/>.
/// </para>
/// </remarks>
internal sealed class TaskDefinitionFamilyIndex
{
    /// <summary>The pages read before giving up (ECS answers at most 100 families a page).</summary>
    public const int DefaultMaxPages = 3;

    private const int PageSize = 100;

    private readonly IEcsClient client;
    private readonly ILogger logger;
    private readonly TimeProvider timeProvider;
    private readonly int maxPages;
    private readonly TimeSpan freshFor;
    private readonly CancellationToken lifetime;

    // Families resolved (or invalidated) by this registry since it started: they are described, whatever a listing
    // taken before says.
    private readonly ConcurrentDictionary<string, byte> seen = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private Task<Listing>? load;
    private Listing? last;
    private int warned;
    private volatile bool disabled;

    public TaskDefinitionFamilyIndex(
        IEcsClient client, string prefix, ILogger logger, TimeProvider timeProvider, CancellationToken lifetime, int maxPages = DefaultMaxPages, TimeSpan? freshFor = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPages, 1);
        this.client = client;
        Prefix = prefix;
        this.logger = logger;
        this.timeProvider = timeProvider;
        this.lifetime = lifetime;
        this.maxPages = maxPages;
        this.freshFor = freshFor ?? DefaultFreshFor;
    }

    /// <summary>Gets how long a listing is trusted before it is taken again.</summary>
    public static TimeSpan DefaultFreshFor { get; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the <c>familyPrefix</c> listed (empty: every family of the account and region).</summary>
    public string Prefix { get; }

    /// <summary>Gets whether a family's name falls under this index's prefix.</summary>
    /// <param name="family">The family.</param>
    /// <returns><see langword="true"/> when the listing would name it if it existed.</returns>
    public bool Covers(string family) => family.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Says whether a family exists, listing the families first when no fresh listing is at hand.</summary>
    /// <param name="family">The family.</param>
    /// <param name="cancellationToken">Cancels this caller's wait (the listing itself runs on the registry's lifetime).</param>
    /// <returns>The family's presence; never throws for a failed listing.</returns>
    public async Task<TaskDefinitionFamilyPresence> LookupAsync(string family, CancellationToken cancellationToken)
    {
        if (disabled || !Covers(family))
        {
            return TaskDefinitionFamilyPresence.Unknown;
        }

        if (seen.ContainsKey(family))
        {
            return TaskDefinitionFamilyPresence.Present;
        }

        Task<Listing> current;
        lock (gate)
        {
            if (load is null || (load.IsCompleted && !IsFresh(load)))
            {
                load = LoadAsync();
            }

            current = load;
        }

        var listing = await current.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (listing.Families is null)
        {
            return TaskDefinitionFamilyPresence.Unknown;
        }

        // Resolved while the listing was in flight: the listing may predate its registration.
        return listing.Families.Contains(family) || seen.ContainsKey(family)
            ? TaskDefinitionFamilyPresence.Present
            : TaskDefinitionFamilyPresence.Absent;
    }

    /// <summary>Notes a family this registry resolved or forgot: from now on it is described, never registered blind.</summary>
    /// <param name="family">The family.</param>
    public void MarkSeen(string family) => seen.TryAdd(family, 0);

    private static string Describe(Exception exception) => exception switch
    {
        AwsServiceException aws => string.IsNullOrEmpty(aws.ErrorMessage) ? aws.ErrorCode : $"{aws.ErrorCode}: {aws.ErrorMessage}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    // Only one load runs at a time (a new one starts after the last completed), so `last` is the current load's answer.
    private bool IsFresh(Task<Listing> task) =>
        task.IsCompletedSuccessfully && Volatile.Read(ref last) is { } listing && timeProvider.GetUtcNow() - listing.At < freshFor;

    private async Task<Listing> LoadAsync()
    {
        var listing = await ListAsync().ConfigureAwait(false);
        Volatile.Write(ref last, listing);
        return listing;
    }

    private async Task<Listing> ListAsync()
    {
        // Off the caller's stack: the callers only wait for it.
        await Task.Yield();
        var families = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        try
        {
            for (var page = 1; ; page++)
            {
                var body = new JsonObject { ["status"] = "ACTIVE", ["maxResults"] = PageSize };
                if (Prefix.Length > 0)
                {
                    body["familyPrefix"] = Prefix;
                }

                if (token is not null)
                {
                    body["nextToken"] = token;
                }

                var response = await client.ListTaskDefinitionFamiliesAsync(body, lifetime).ConfigureAwait(false);
                foreach (var family in response["families"] as JsonArray ?? [])
                {
                    if (family is JsonValue value && value.TryGetValue<string>(out var name))
                    {
                        families.Add(name);
                    }
                }

                var next = response["nextToken"] is JsonValue n && n.TryGetValue<string>(out var text) ? text : null;
                if (string.IsNullOrEmpty(next))
                {
                    logger.TaskDefinitionFamiliesListed(Prefix, families.Count, page);
                    return new Listing(families, timeProvider.GetUtcNow());
                }

                if (page >= maxPages || string.Equals(next, token, StringComparison.Ordinal))
                {
                    // Families only grow in practice: listing again later would cost the same pages for nothing.
                    disabled = true;
                    logger.TaskDefinitionFamilyListingIncomplete(Prefix, families.Count, page);
                    return new Listing(null, timeProvider.GetUtcNow());
                }

                token = next;
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // A missing permission does not come back by itself; anything else (throttling, network) may pass.
            if (EcsErrors.IsAccessDenied(e))
            {
                disabled = true;
            }

            if (Interlocked.Exchange(ref warned, 1) == 0)
            {
                logger.TaskDefinitionFamilyListingFailed(Prefix, Describe(e));
            }
            else
            {
                logger.TaskDefinitionFamilyListingFailedAgain(Prefix, Describe(e));
            }

            return new Listing(null, timeProvider.GetUtcNow());
        }
    }

    /// <summary>One listing: the families, or <see langword="null"/> when it failed or was cut short.</summary>
    private sealed record Listing(HashSet<string>? Families, DateTimeOffset At);
}
