using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prefect.Agent.Fargate;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Replaces the seams of one agent registered with <c>AddFargateAgent</c>.</summary>
public static class FargateAgentBuilderExtensions
{
    /// <summary>Uses <typeparamref name="T"/> (created by the container) as the agent's flow-run source.</summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The agent builder.</param>
    /// <returns>The builder.</returns>
    public static IFargateAgentBuilder AddFlowRunSource<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IFargateAgentBuilder builder)
        where T : class, IFlowRunSource => Replace<IFlowRunSource, T>(builder);

    /// <summary>Uses <typeparamref name="T"/> (created by the container) as the agent's task-definition registry.</summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The agent builder.</param>
    /// <returns>The builder.</returns>
    public static IFargateAgentBuilder AddTaskDefinitionRegistry<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IFargateAgentBuilder builder)
        where T : class, ITaskDefinitionRegistry => Replace<ITaskDefinitionRegistry, T>(builder);

    /// <summary>Uses <typeparamref name="T"/> (created by the container) as the agent's task launcher.</summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The agent builder.</param>
    /// <returns>The builder.</returns>
    public static IFargateAgentBuilder AddTaskLauncher<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IFargateAgentBuilder builder)
        where T : class, ITaskLauncher => Replace<ITaskLauncher, T>(builder);

    /// <summary>Uses <typeparamref name="T"/> (created by the container) as the agent's external kwargs provider.</summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The agent builder.</param>
    /// <returns>The builder.</returns>
    public static IFargateAgentBuilder AddExternalKwargsProvider<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IFargateAgentBuilder builder)
        where T : class, IExternalKwargsProvider => Replace<IExternalKwargsProvider, T>(builder);

    /// <summary>
    /// Uses <typeparamref name="T"/> (created by the container) as the task monitor of the agent's task watch and
    /// reconciler (by default ECS <c>DescribeTasks</c>/<c>ListTasks</c>/<c>StopTask</c>, also with a launcher of your own).
    /// </summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The agent builder.</param>
    /// <returns>The builder.</returns>
    public static IFargateAgentBuilder AddTaskMonitor<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IFargateAgentBuilder builder)
        where T : class, ITaskMonitor => Replace<ITaskMonitor, T>(builder);

    /// <summary>
    /// Uses <typeparamref name="T"/> (created by the container) as the run-state reader of the agent's task watch and
    /// reconciler, e.g. beside a flow-run source of your own that does not implement <see cref="IFlowRunMonitor"/> (by
    /// default the flow-run source, when it implements it).
    /// </summary>
    /// <typeparam name="T">The implementation.</typeparam>
    /// <param name="builder">The agent builder.</param>
    /// <returns>The builder.</returns>
    public static IFargateAgentBuilder AddFlowRunMonitor<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IFargateAgentBuilder builder)
        where T : class, IFlowRunMonitor => Replace<IFlowRunMonitor, T>(builder);

    private static IFargateAgentBuilder Replace<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(IFargateAgentBuilder builder)
        where TService : class
        where TImplementation : class, TService
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAllKeyed<TService>(builder.Name);
        builder.Services.AddKeyedSingleton<TService, TImplementation>(builder.Name);
        return builder;
    }
}
