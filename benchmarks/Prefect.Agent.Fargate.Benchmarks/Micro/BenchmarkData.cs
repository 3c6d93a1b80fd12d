using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Prefect.Agent.Fargate.Benchmarks.Micro;

/// <summary>Inputs shaped like the load workloads': the CLI's kwargs, and runs and responses as the fakes send them.</summary>
internal static class BenchmarkData
{
    public static Dictionary<string, JsonNode?> AgentKwargs() => new(StringComparer.Ordinal)
    {
        ["cpu"] = JsonValue.Create("256"),
        ["memory"] = JsonValue.Create("512"),
        ["cluster"] = JsonValue.Create("bench"),
        ["networkConfiguration"] = JsonValue.Create("{'awsvpcConfiguration': {'subnets': ['subnet-0bench'], 'securityGroups': ['sg-0bench'], 'assignPublicIp': 'ENABLED'}}"),
        ["containerDefinitions"] = JsonValue.Create("[{'logConfiguration': {'logDriver': 'awslogs', 'options': {'awslogs-group': '/prefect', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'flows'}}}]"),
    };

    public static JsonObject FlowRunNode(int index)
    {
        var id = Guid(index, 1);
        return new JsonObject
        {
            ["id"] = id,
            ["version"] = 2,
            ["state"] = "Scheduled",
            ["serialized_state"] = new JsonObject
            {
                ["type"] = "Scheduled",
                ["message"] = "Flow run scheduled.",
                ["start_time"] = "2026-11-27T21:00:00.000000+00:00",
                ["__version__"] = "0.15.13",
                ["context"] = new JsonObject(),
                ["cached_inputs"] = new JsonObject(),
            },
            ["parameters"] = new JsonObject(),
            ["scheduled_start_time"] = "2026-11-27T21:00:00+00:00",
            ["run_config"] = new JsonObject
            {
                ["type"] = "ECSRun",
                ["image"] = $"registry.example/bench/flow-{index % 20:D2}:1",
                ["labels"] = new JsonArray("bench"),
                ["env"] = null,
                ["cpu"] = null,
                ["memory"] = null,
                ["__version__"] = "0.15.13",
            },
            ["name"] = $"bench-run-{index}",
            ["flow"] = new JsonObject
            {
                ["id"] = Guid(index % 20, 2),
                ["name"] = $"bench-flow-{index % 20:D2}",
                ["environment"] = null,
                ["storage"] = new JsonObject { ["type"] = "Module", ["module"] = "flows.bench", ["__version__"] = "0.15.13" },
                ["version"] = 1,
                ["core_version"] = "0.15.13",
            },
            ["task_runs"] = new JsonArray(),
        };
    }

    /// <summary>A <c>flow_run</c> metadata answer for a full page (25 runs), as bytes on the wire.</summary>
    public static byte[] FlowRunPage()
    {
        var runs = new JsonArray();
        for (var i = 0; i < 25; i++)
        {
            runs.Add((JsonNode)FlowRunNode(i));
        }

        return Encoding.UTF8.GetBytes(new JsonObject { ["data"] = new JsonObject { ["flow_run"] = runs } }.ToJsonString());
    }

    /// <summary>A RunTask answer like ECS's (one task, its container, attachments, overrides).</summary>
    public static byte[] RunTaskResponse() => Encoding.UTF8.GetBytes("""
        {"failures":[],"tasks":[{"attachments":[{"id":"a1b2c3d4-5678-90ab-cdef-11111EXAMPLE","type":"ElasticNetworkInterface","status":"PRECREATED",
        "details":[{"name":"subnetId","value":"subnet-0bench"}]}],"attributes":[{"name":"ecs.cpu-architecture","value":"x86_64"}],"availabilityZone":"us-east-1a",
        "clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/bench","containers":[{"containerArn":"arn:aws:ecs:us-east-1:123456789012:container/bench/0123456789abcdef/aaaa",
        "taskArn":"arn:aws:ecs:us-east-1:123456789012:task/bench/0123456789abcdef0123456789abcdef","name":"flow","image":"registry.example/bench/flow-00:1",
        "lastStatus":"PENDING","networkInterfaces":[],"cpu":"0"}],"cpu":"256","createdAt":1.796245e9,"desiredStatus":"RUNNING","enableExecuteCommand":false,
        "group":"family:prefect-bench-flow-00","lastStatus":"PROVISIONING","launchType":"FARGATE","memory":"512",
        "overrides":{"containerOverrides":[{"name":"flow","command":["/bin/sh","-c","prefect execute flow-run"],"environment":[{"name":"PREFECT__CONTEXT__FLOW_RUN_ID","value":"11111111-0000-0000-0000-000000000001"}]}],"inferenceAcceleratorOverrides":[]},
        "platformVersion":"1.4.0","platformFamily":"Linux","tags":[],"taskArn":"arn:aws:ecs:us-east-1:123456789012:task/bench/0123456789abcdef0123456789abcdef",
        "taskDefinitionArn":"arn:aws:ecs:us-east-1:123456789012:task-definition/prefect-bench-flow-00:1","version":1,"ephemeralStorage":{"sizeInGiB":20}}]}
        """);

    private static string Guid(int index, int kind) => string.Create(CultureInfo.InvariantCulture, $"{kind:D8}-0000-4000-8000-{index:D12}");
}
