using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>
/// The default <see cref="ITaskMonitor"/>: ECS <c>DescribeTasks</c>, <c>ListTasks</c> and <c>StopTask</c> through the
/// agent's signed client, which paces every call through the rate governor.
/// </summary>
internal sealed class EcsTaskMonitor : ITaskMonitor
{
    // ListTasks answers at most 100 ARNs a page; a run has one task, so two pages are already more than enough.
    private const int MaxListPages = 2;

    private readonly IEcsClient client;
    private readonly ILogger logger;

    public EcsTaskMonitor(IEcsClient client, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        this.client = client;
        this.logger = logger;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<EcsTaskStatus>> DescribeTasksAsync(string? cluster, IReadOnlyList<string> taskArns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskArns);
        if (taskArns.Count is 0 or > ITaskMonitor.MaxDescribeBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(taskArns), taskArns.Count, $"DescribeTasks takes 1 to {ITaskMonitor.MaxDescribeBatch} tasks.");
        }

        var request = new JsonObject();
        if (cluster is not null)
        {
            request["cluster"] = cluster;
        }

        request["tasks"] = new JsonArray(taskArns.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        return await client.DescribeTaskStatusesAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> FindTasksAsync(string? cluster, string startedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(startedBy);
        return await ListAsync(client, cluster, startedBy, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task StopTaskAsync(string? cluster, string taskArn, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(taskArn);
        ArgumentNullException.ThrowIfNull(reason);
        logger.StoppingTask(taskArn, cluster ?? "default", reason);
        var request = new JsonObject();
        if (cluster is not null)
        {
            request["cluster"] = cluster;
        }

        request["task"] = taskArn;
        request["reason"] = reason;
        await client.StopTaskAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists a startedBy value's tasks, RUNNING then STOPPED (ListTasks takes one desiredStatus a call).</summary>
    /// <param name="client">The client.</param>
    /// <param name="cluster">The cluster, or <see langword="null"/>.</param>
    /// <param name="startedBy">The startedBy value.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The task ARNs.</returns>
    internal static async Task<IReadOnlyList<string>> ListAsync(IEcsClient client, string? cluster, string startedBy, CancellationToken cancellationToken)
    {
        var arns = new List<string>();
        foreach (var status in (string[])["RUNNING", "STOPPED"])
        {
            string? next = null;
            for (var page = 0; page < MaxListPages; page++)
            {
                var request = new JsonObject();
                if (cluster is not null)
                {
                    request["cluster"] = cluster;
                }

                request["startedBy"] = startedBy;
                request["desiredStatus"] = status;
                if (next is not null)
                {
                    request["nextToken"] = next;
                }

                var response = await client.ListTasksAsync(request, cancellationToken).ConfigureAwait(false);
                arns.AddRange((response["taskArns"] as JsonArray ?? []).Select(Text).OfType<string>().Where(a => !arns.Contains(a, StringComparer.Ordinal)));
                next = Text(response["nextToken"]);
                if (next is null)
                {
                    break;
                }
            }
        }

        return arns;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
