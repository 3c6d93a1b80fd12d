using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Prefect.Agent.Fargate.Composition;

namespace Prefect.Agent.Fargate.Tests.Architecture;

/// <summary>Both entry points (<c>new FargateAgent</c> and <c>AddFargateAgent</c>) build the same graph through the one composition root.</summary>
public sealed class CompositionRootTests
{
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["PREFECT__CLOUD__AGENT__LABELS"] = "['from-env']",
        ["PREFECT__BACKEND"] = "server",
        ["PREFECT__CLOUD__API"] = "http://127.0.0.1:4200/graphql",
        ["REGION_NAME"] = "eu-west-1",
        ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
        ["AWS_SECRET_ACCESS_KEY"] = "secret",
    };

    [Theory]
    [InlineData(false, "NoExternalKwargsProvider")]
    [InlineData(true, "S3ExternalKwargsProvider")]
    public async Task BothPaths_PickTheSameDefaults_AndResolveTheSameOptions(bool useExternalKwargs, string kwargsProvider)
    {
        var composition = new AgentComposition { Environment = name => Environment.GetValueOrDefault(name) };
        void Configure(AgentOptions o)
        {
            o.Name = "graph";
            o.UseExternalKwargs = useExternalKwargs;
            o.ExternalKwargsS3Bucket = useExternalKwargs ? "kwargs-bucket" : null;
        }

        var direct = new AgentOptions();
        Configure(direct);
        await using var agent = new FargateAgent(direct, composition, Microsoft.Extensions.Options.Options.DefaultName, null, null, null, null);

        var services = new ServiceCollection();
        services.AddSingleton(composition);
        services.AddFargateAgent(Configure);
        await using var provider = services.BuildServiceProvider();
        var name = Microsoft.Extensions.Options.Options.DefaultName;
        var hosted = new[]
        {
            provider.GetRequiredKeyedService<IFlowRunSource>(name).GetType(),
            provider.GetRequiredKeyedService<ITaskDefinitionRegistry>(name).GetType(),
            provider.GetRequiredKeyedService<ITaskLauncher>(name).GetType(),
            provider.GetRequiredKeyedService<IExternalKwargsProvider>(name).GetType(),
        };
        var hostedOptions = composition.Resolve(provider.GetRequiredService<IOptionsMonitor<AgentOptions>>().Get(name));

        Assert.Equal(["PrefectFlowRunSource", "EcsTaskDefinitionRegistry", "EcsTaskLauncher", kwargsProvider], agent.SeamTypes.Select(t => t.Name));
        Assert.Equal(agent.SeamTypes, hosted);
        Assert.Equal(agent.ResolvedOptions.Labels, hostedOptions.Labels);
        Assert.Equal(["from-env"], hostedOptions.Labels);
        Assert.Equal(agent.ResolvedOptions.RegionName, hostedOptions.RegionName);
        Assert.Equal(agent.ResolvedOptions.ApiUrl, hostedOptions.ApiUrl);
        Assert.Equal(agent.ResolvedOptions.Backend, hostedOptions.Backend);
    }
}
