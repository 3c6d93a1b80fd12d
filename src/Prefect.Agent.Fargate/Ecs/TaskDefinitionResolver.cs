using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>One uncached existence check and, when needed, registration (reference sections 3.5, 3.6, 3.9).</summary>
internal sealed class TaskDefinitionResolver
{
    private const string FlowIdTag = "PrefectFlowId";
    private const string FlowVersionTag = "PrefectFlowVersion";

    // A misbehaving endpoint that keeps answering a PaginationToken must not loop forever.
    private const int MaxTagPages = 100;

    private readonly IEcsClient client;
    private readonly bool reuseExisting;
    private readonly ILogger logger;

    /// <summary>Gets whether a registration made without a describe was throttled (other agents of the account register too).</summary>
    public bool BlindRegistrationThrottled { get; private set; }

    /// <summary>
    /// Gets or sets a token cancelled once other agents are known to register on the account: a registration without a
    /// describe still waiting for the register bucket then stops waiting and looks first (its listing is stale).
    /// </summary>
    public CancellationToken ContentionSeen { get; init; }

    /// <summary>Gets or sets what to call when a registration without a describe is throttled (before the look that follows).</summary>
    public Action? OnContention { get; init; }

    /// <summary>
    /// Gets or sets whether every look takes the agent's look turn (other agents register on the account), not only the
    /// look after a throttled blind registration. In its turn the describe waits until the register bucket would send
    /// the registration that may follow, so that it is fresh when that goes out (a describe made before a wait of
    /// seconds in a bucket shared with other agents misses their revision).
    /// </summary>
    public bool LookInTurn { get; init; }

    private readonly SemaphoreSlim? lookTurn;

    /// <summary>Initializes a new instance of the <see cref="TaskDefinitionResolver"/> class.</summary>
    /// <param name="client">The ECS client.</param>
    /// <param name="reuseExisting">Whether a described definition is used as is.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="lookTurn">
    /// Taken around the describe and registration that follow a throttled blind registration (and around every look
    /// with <see cref="LookInTurn"/>), so that this agent's look-then-register steps run one at a time and each look is
    /// fresh when its registration goes out (a look made before a long wait for the register bucket would miss another
    /// agent's revision and duplicate it).
    /// </param>
    public TaskDefinitionResolver(IEcsClient client, bool reuseExisting, ILogger logger, SemaphoreSlim? lookTurn = null)
    {
        this.client = client;
        this.reuseExisting = reuseExisting;
        this.logger = logger;
        this.lookTurn = lookTurn;
    }

    /// <summary>Finds or registers the request's definition.</summary>
    /// <param name="request">The definition wanted.</param>
    /// <param name="familyNotListed">
    /// Whether a fresh, complete listing of the ACTIVE families did not name the family: it is registered without a
    /// describe, the same outcome as the describe's "not found" in both modes (section 3.9, rows "describe ClientError").
    /// </param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The ARN to run.</returns>
    public async Task<string> ResolveAsync(TaskDefinitionRequest request, bool familyNotListed, CancellationToken cancellationToken)
    {
        if (familyNotListed)
        {
            logger.TaskDefinitionFamilyNotListed(request.Family);
            try
            {
                using var blind = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ContentionSeen);
                return await RegisterAsync(request, blind.Token, retryThrottling: false).ConfigureAwait(false);
            }
            catch (AwsServiceException e) when (e.Reason == "ThrottlingException")
            {
                BlindRegistrationThrottled = true;
                OnContention?.Invoke();
            }
            catch (Exception) when (ContentionSeen.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Another registration of this agent was throttled while this one waited for the register bucket (or
                // was on its way: ECS may have it, and the look below finds it): look before registering.
            }

            // Throttled: other agents of the account may be registering this family right now (their listings said
            // absent too). Look (in turn) before registering again, so that their revision is reused rather than duplicated.
        }

        if (lookTurn is null || !(familyNotListed || LookInTurn))
        {
            return await LookThenRegisterAsync(request, inLookTurn: false, cancellationToken).ConfigureAwait(false);
        }

        await lookTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await LookThenRegisterAsync(request, inLookTurn: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lookTurn.Release();
        }
    }

    private async Task<string> LookThenRegisterAsync(TaskDefinitionRequest request, bool inLookTurn, CancellationToken cancellationToken)
    {
        if (inLookTurn)
        {
            await client.WaitForRegistrationTurnAsync(cancellationToken).ConfigureAwait(false);
        }

        logger.CheckingTaskDefinition(request.Family);
        var described = await DescribeAsync(request.Family, cancellationToken).ConfigureAwait(false);
        if (described is null)
        {
            return await RegisterAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var (definition, tags) = described.Value;
        var taggedId = TagValue(tags, FlowIdTag);
        if (!request.TaskRevisions || string.Equals(taggedId, request.FlowId8, StringComparison.Ordinal))
        {
            return await UseOrRegisterAsync(request, definition, tags, cancellationToken).ConfigureAwait(false);
        }

        // Revisions mode, the latest revision belongs to another flow (or is untagged). The original compared
        // flow.version with int(tag); a missing flow version counts as 0 here instead of failing (item 9), and an
        // unreadable tag counts as 0 as a missing one does.
        var taggedVersion = int.TryParse(TagValue(tags, FlowVersionTag), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
        var flowVersion = request.FlowVersion ?? 0;
        logger.TaskDefinitionOfOtherFlow(request.Family, taggedId, taggedVersion, request.FlowId8, flowVersion);
        if (flowVersion >= taggedVersion)
        {
            return await RegisterAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var candidates = await FindTaggedAsync(request, cancellationToken).ConfigureAwait(false);
        if (candidates.Count > 0 && reuseExisting)
        {
            // The original's behaviour: the lookup's answer is used as is.
            logger.TaskDefinitionReused(request.Family, candidates[0]);
            return candidates[0];
        }

        foreach (var arn in candidates)
        {
            // The tagging API is eventually consistent and lists deregistered revisions: describe before use.
            var candidate = await DescribeAsync(arn, cancellationToken).ConfigureAwait(false);
            if (candidate is not null && IsActive(candidate.Value.Definition))
            {
                return await UseOrRegisterAsync(request, candidate.Value.Definition, candidate.Value.Tags, cancellationToken).ConfigureAwait(false);
            }
        }

        return await RegisterAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsActive(JsonObject definition) =>
        definition["status"] is not JsonValue status || string.Equals(status.ToString(), "ACTIVE", StringComparison.Ordinal);

    private static string? TagValue(JsonArray? tags, string key)
    {
        // Python's {t["key"]: t["value"]} keeps the last duplicate; so does this.
        string? value = null;
        foreach (var tag in tags ?? [])
        {
            if (tag is JsonObject t && string.Equals(t["key"]?.ToString(), key, StringComparison.Ordinal))
            {
                value = t["value"]?.ToString();
            }
        }

        return value;
    }

    private static string ArnOf(JsonObject? definition, string family)
    {
        if (definition?["taskDefinitionArn"] is JsonValue arn && arn.ToString().Length > 0)
        {
            return arn.ToString();
        }

        return definition?["revision"] is JsonValue revision ? $"{family}:{revision}" : family;
    }

    private static (bool SameFamily, long Revision) Rank(string arn, string family)
    {
        // arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>
        var slash = arn.LastIndexOf('/');
        var colon = arn.LastIndexOf(':');
        var sameFamily = slash >= 0 && colon > slash && arn.AsSpan(slash + 1, colon - slash - 1).SequenceEqual(family);
        var revision = colon >= 0 && long.TryParse(arn.AsSpan(colon + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : -1;
        return (sameFamily, revision);
    }

    private async Task<(JsonObject Definition, JsonArray? Tags)?> DescribeAsync(string taskDefinition, CancellationToken cancellationToken)
    {
        JsonObject response;
        try
        {
            response = await client.DescribeTaskDefinitionAsync(
                new JsonObject { ["taskDefinition"] = taskDefinition, ["include"] = new JsonArray("TAGS") },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (EcsErrors.IsTaskDefinitionNotFound(e))
        {
            logger.TaskDefinitionNotFound(taskDefinition, e.ErrorMessage ?? e.ErrorCode);
            return null;
        }

        if (response["taskDefinition"] is not JsonObject definition)
        {
            throw new InvalidOperationException($"ECS DescribeTaskDefinition of '{taskDefinition}' answered without a taskDefinition.");
        }

        // Item 9: the original failed with KeyError('tags') when the answer had none; no tags is what it means.
        return (definition, response["tags"] as JsonArray);
    }

    private async Task<string> UseOrRegisterAsync(TaskDefinitionRequest request, JsonObject definition, JsonArray? tags, CancellationToken cancellationToken)
    {
        var arn = ArnOf(definition, request.Family);
        if (!IsActive(definition))
        {
            logger.TaskDefinitionNotFound(arn, "the revision is not ACTIVE");
            return await RegisterAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (reuseExisting)
        {
            logger.TaskDefinitionReused(request.Family, arn);
            return arn;
        }

        var difference = TaskDefinitionDrift.FindDifference(request.RegisterRequest, definition, tags);
        if (difference is null)
        {
            logger.TaskDefinitionFound(request.Family, arn);
            return arn;
        }

        logger.TaskDefinitionDrifted(request.Family, arn, difference);
        return await RegisterAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<string>> FindTaggedAsync(TaskDefinitionRequest request, CancellationToken cancellationToken)
    {
        var arns = new List<string>();
        string? token = null;
        for (var page = 0; page < MaxTagPages; page++)
        {
            var body = new JsonObject
            {
                ["TagFilters"] = new JsonArray(new JsonObject { ["Key"] = FlowIdTag, ["Values"] = new JsonArray(request.FlowId8) }),
                ["ResourceTypeFilters"] = new JsonArray("ecs:task-definition"),
            };
            if (token is not null)
            {
                body["PaginationToken"] = token;
            }

            var response = await client.GetResourcesAsync(body, cancellationToken).ConfigureAwait(false);
            foreach (var mapping in response["ResourceTagMappingList"] as JsonArray ?? [])
            {
                if (mapping?["ResourceARN"] is JsonValue arn && arn.ToString().Length > 0)
                {
                    arns.Add(arn.ToString());
                }
            }

            var next = response["PaginationToken"]?.ToString();
            if (string.IsNullOrEmpty(next) || string.Equals(next, token, StringComparison.Ordinal))
            {
                break;
            }

            token = next;
        }

        logger.TaskDefinitionLookupByTag(request.FlowId8, arns.Count);

        // The original took the last element of an unordered first page. The newest revision of the same family is
        // the one the flow registered last; other families' revisions (same tag by accident) come after.
        return arns.Distinct(StringComparer.Ordinal)
            .OrderByDescending(a => Rank(a, request.Family).SameFamily)
            .ThenByDescending(a => Rank(a, request.Family).Revision)
            .ToList();
    }

    private async Task<string> RegisterAsync(TaskDefinitionRequest request, CancellationToken cancellationToken, bool retryThrottling = true)
    {
        logger.RegisteringTaskDefinition(request.Family);
        var body = (JsonObject)request.RegisterRequest.DeepClone();
        body["family"] ??= request.Family;
        var response = await client.RegisterTaskDefinitionAsync(body, retryThrottling, cancellationToken).ConfigureAwait(false);
        var arn = ArnOf(response["taskDefinition"] as JsonObject, request.Family);
        logger.TaskDefinitionRegistered(arn);
        return arn;
    }
}
