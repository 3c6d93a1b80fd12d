using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Aws;
using Prefect.Agent.Fargate.Ecs.Client;
using Prefect.Agent.Fargate.Testing.Ecs;

namespace Prefect.Agent.Fargate.Tests.EcsClient;

/// <summary>Builds signed ECS clients pointed at a <see cref="FakeEcs"/>, never at AWS or the process environment.</summary>
internal static class EcsTestClients
{
    public static AwsClientSettings Settings(FakeEcs ecs, BotocoreConfig? botocore = null, string? secret = null) =>
        AwsClientSettings.Resolve(
            new AgentOptions
            {
                EcsServiceUrl = ecs.Url,
                TaggingServiceUrl = ecs.Url,
                RegionName = ecs.Region,
                AwsAccessKeyId = FakeEcs.AccessKeyId,
                AwsSecretAccessKey = secret ?? FakeEcs.SecretAccessKey,
                BotocoreConfig = botocore ?? new BotocoreConfig(),
            },
            environment: _ => null,
            configuredEndpoint: _ => null,
            profileRegion: _ => null);

    public static global::Prefect.Agent.Fargate.Ecs.Client.EcsClient Create(FakeEcs ecs, BotocoreConfig? botocore = null, EcsRateGovernor? governor = null, string? secret = null) =>
        new(Settings(ecs, botocore, secret), governor, logger: null, TimeProvider.System, retryBaseDelay: TimeSpan.FromMilliseconds(1));

    public static JsonObject TaskDefinition(string family, string image = "prefecthq/prefect:0.15.0", params (string Key, string Value)[] tags)
    {
        var request = new JsonObject
        {
            ["family"] = family,
            ["networkMode"] = "awsvpc",
            ["requiresCompatibilities"] = new JsonArray("FARGATE"),
            ["cpu"] = "256",
            ["memory"] = "512",
            ["containerDefinitions"] = new JsonArray(new JsonObject
            {
                ["name"] = "flow",
                ["image"] = image,
                ["command"] = new JsonArray("/bin/sh", "-c", "prefect execute flow-run"),
                ["environment"] = new JsonArray(new JsonObject { ["name"] = "PREFECT__BACKEND", ["value"] = "server" }),
                ["essential"] = true,
            }),
        };
        if (tags.Length > 0)
        {
            request["tags"] = new JsonArray(tags.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value }).ToArray());
        }

        return request;
    }

    public static JsonObject RunTask(string taskDefinition, string? clientToken = null, int count = 1)
    {
        var request = new JsonObject
        {
            ["taskDefinition"] = taskDefinition,
            ["cluster"] = "prefect",
            ["count"] = count,
            ["launchType"] = "FARGATE",
            ["networkConfiguration"] = new JsonObject
            {
                ["awsvpcConfiguration"] = new JsonObject { ["subnets"] = new JsonArray("subnet-0123"), ["assignPublicIp"] = "ENABLED" },
            },
            ["overrides"] = new JsonObject
            {
                ["containerOverrides"] = new JsonArray(new JsonObject
                {
                    ["name"] = "flow",
                    ["environment"] = new JsonArray(new JsonObject { ["name"] = "PREFECT__CONTEXT__FLOW_RUN_ID", ["value"] = "run-1" }),
                }),
            },
        };
        if (clientToken is not null)
        {
            request["clientToken"] = clientToken;
        }

        return request;
    }
}
