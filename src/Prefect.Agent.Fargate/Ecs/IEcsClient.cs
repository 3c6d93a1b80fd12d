using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>
/// The ECS (and Resource Groups Tagging) operations the agent uses, as JSON 1.1 request and response bodies.
/// The default implementation signs with SigV4, retries, and rate-limits per ECS API group.
/// </summary>
internal interface IEcsClient
{
    Task<JsonObject> RegisterTaskDefinitionAsync(JsonObject request, CancellationToken cancellationToken);

    /// <summary>
    /// Registers a task definition; with <paramref name="retryThrottling"/> off, a throttled attempt is not retried by
    /// the client (other retryable errors still are), so that the caller can look before it registers again.
    /// </summary>
    /// <param name="request">The RegisterTaskDefinition body.</param>
    /// <param name="retryThrottling">Whether the client retries a throttled attempt.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response body.</returns>
    Task<JsonObject> RegisterTaskDefinitionAsync(JsonObject request, bool retryThrottling, CancellationToken cancellationToken) =>
        RegisterTaskDefinitionAsync(request, cancellationToken);

    /// <summary>
    /// Waits until the client's rate governor would send a RegisterTaskDefinition now, without taking its token: a
    /// describe made after this wait is fresh when the registration that may follow goes out. No wait without a governor.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task completing when a registration may go.</returns>
    ValueTask WaitForRegistrationTurnAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    Task<JsonObject> DescribeTaskDefinitionAsync(JsonObject request, CancellationToken cancellationToken);

    Task<JsonObject> ListTaskDefinitionsAsync(JsonObject request, CancellationToken cancellationToken);

    /// <summary>ECS <c>ListTaskDefinitionFamilies</c> (the Describe and List rate group).</summary>
    Task<JsonObject> ListTaskDefinitionFamiliesAsync(JsonObject request, CancellationToken cancellationToken);

    Task<JsonObject> RunTaskAsync(JsonObject request, CancellationToken cancellationToken);

    Task<JsonObject> DescribeTasksAsync(JsonObject request, CancellationToken cancellationToken);

    /// <summary>
    /// ECS <c>DescribeTasks</c>, read into the statuses the task watch uses (<see cref="EcsTaskStatusReader"/>) without
    /// keeping the answer: the signed client reads them from its response buffer.
    /// </summary>
    /// <param name="request">The DescribeTasks body.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The described tasks that have an ARN.</returns>
    async Task<IReadOnlyList<EcsTaskStatus>> DescribeTaskStatusesAsync(JsonObject request, CancellationToken cancellationToken)
    {
        var response = await DescribeTasksAsync(request, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(response.ToJsonString());
        return EcsTaskStatusReader.Read(document.RootElement);
    }

    /// <summary>ECS <c>ListTasks</c> (the Describe and List rate group).</summary>
    Task<JsonObject> ListTasksAsync(JsonObject request, CancellationToken cancellationToken);

    /// <summary>ECS <c>StopTask</c> (the cluster-modify rate group).</summary>
    Task<JsonObject> StopTaskAsync(JsonObject request, CancellationToken cancellationToken);

    /// <summary>Resource Groups Tagging API <c>GetResources</c> (signing name <c>tagging</c>).</summary>
    Task<JsonObject> GetResourcesAsync(JsonObject request, CancellationToken cancellationToken);
}
