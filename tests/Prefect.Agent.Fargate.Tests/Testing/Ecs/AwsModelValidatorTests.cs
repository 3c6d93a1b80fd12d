using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Ecs.Model;
using Prefect.Agent.Fargate.Testing.Ecs;
using Prefect.Agent.Fargate.Tests.EcsClient;

namespace Prefect.Agent.Fargate.Tests.Testing.Ecs;

public sealed class AwsModelValidatorTests
{
    private static ModelValidationResult Validate(string operation, JsonObject body) => AwsModels.Ecs.Validate(operation, body);

    [Fact]
    public void Validate_TheAgentsRegisterTaskDefinition_Passes()
    {
        var request = EcsTestClients.TaskDefinition("prefect-task-1a2b3c4d", tags: ("PrefectFlowId", "1a2b3c4d"));
        request["executionRoleArn"] = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";

        var result = Validate("RegisterTaskDefinition", request);

        Assert.True(result.IsValid, result.Report);
    }

    [Fact]
    public void Validate_RunTaskWithNewerMembers_Passes()
    {
        var request = EcsTestClients.RunTask("prefect-task-1a2b3c4d", clientToken: "run-1");
        request["propagateTags"] = "TASK_DEFINITION";
        request["capacityProviderStrategy"] = new JsonArray(new JsonObject { ["capacityProvider"] = "FARGATE_SPOT", ["weight"] = 1 });

        Assert.True(Validate("RunTask", request).IsValid);
    }

    [Fact]
    public void Validate_MissingRequiredMembers_NamesThemAtTheirPath()
    {
        var request = EcsTestClients.RunTask("x");
        request.Remove("taskDefinition");
        request["overrides"]!["containerOverrides"]![0]!.AsObject().Remove("name");
        request["networkConfiguration"]!["awsvpcConfiguration"]!.AsObject().Remove("subnets");

        var result = Validate("RunTask", request);

        Assert.Contains("Missing required parameter in input: \"taskDefinition\"", result.Errors);
        Assert.Contains("Missing required parameter in \"networkConfiguration.awsvpcConfiguration\": \"subnets\"", result.Errors);
        Assert.False(result.HasTypeError);
    }

    [Fact]
    public void Validate_UnknownMember_ListsTheValidOnes()
    {
        var request = EcsTestClients.TaskDefinition("f");
        request["containerDefinitions"]![0]!["imagee"] = "typo";

        var error = Assert.Single(Validate("RegisterTaskDefinition", request).Errors);

        Assert.StartsWith("Unknown parameter in \"containerDefinitions[0]\": \"imagee\", must be one of: ", error, StringComparison.Ordinal);
        Assert.Contains("image", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WrongJsonTypes_AreTypeErrors()
    {
        var request = EcsTestClients.RunTask("x");
        request["count"] = "1";
        request["overrides"]!["containerOverrides"]![0]!["memory"] = "512";
        request["enableExecuteCommand"] = "false";

        var result = Validate("RunTask", request);

        Assert.True(result.HasTypeError);
        Assert.Contains(result.Errors, e => e.StartsWith("Invalid type for parameter count, value: \"1\"", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("Invalid type for parameter overrides.containerOverrides[0].memory", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("Invalid type for parameter enableExecuteCommand", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ValueOutsideTheEnum_ListsTheValidValues()
    {
        var request = EcsTestClients.RunTask("x");
        request["launchType"] = "FARGATE_X";

        var error = Assert.Single(Validate("RunTask", request).Errors);

        Assert.Equal("Invalid value for parameter launchType, value: FARGATE_X, valid values: EC2, FARGATE, EXTERNAL", error);
    }

    [Fact]
    public void Validate_LengthsAndRanges_AreChecked()
    {
        var request = EcsTestClients.RunTask("x");
        request["tags"] = new JsonArray(new JsonObject { ["key"] = string.Empty, ["value"] = new string('v', 257) });
        request["capacityProviderStrategy"] = new JsonArray(new JsonObject { ["capacityProvider"] = "FARGATE", ["weight"] = 5000 });

        var errors = Validate("RunTask", request).Errors;

        Assert.Contains("Invalid length for parameter tags[0].key, value: 0, valid min length: 1", errors);
        Assert.Contains("Invalid length for parameter tags[0].value, value: 257, valid max length: 256", errors);
        Assert.Contains("Invalid value for parameter capacityProviderStrategy[0].weight, value: 5000, valid max value: 1000", errors);
    }

    [Fact]
    public void Validate_MapValuesAndMapType_AreCheckedAtTheirPath()
    {
        var request = EcsTestClients.TaskDefinition("f");
        request["containerDefinitions"]![0]!["dockerLabels"] = new JsonObject { ["ok"] = "yes", ["bad"] = 5 };
        request["containerDefinitions"]![0]!["logConfiguration"] = new JsonObject { ["logDriver"] = "awslogs", ["options"] = new JsonArray("not", "a", "map") };

        var result = Validate("RegisterTaskDefinition", request);

        Assert.True(result.HasTypeError);
        Assert.Equal(2, result.Errors.Count);
        Assert.Contains(result.Errors, e => e.StartsWith("Invalid type for parameter containerDefinitions[0].dockerLabels.bad, value: 5, type: number, valid types: string", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("Invalid type for parameter containerDefinitions[0].logConfiguration.options", StringComparison.Ordinal) && e.EndsWith("valid types: map", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EnumsInListMembersAndNestedStructures_ListTheValidValues()
    {
        var definition = EcsTestClients.TaskDefinition("f");
        definition["requiresCompatibilities"] = new JsonArray("FARGATE", "LAMBDA");
        var run = EcsTestClients.RunTask("x");
        run["networkConfiguration"]!["awsvpcConfiguration"]!["assignPublicIp"] = "MAYBE";

        var definitionError = Assert.Single(Validate("RegisterTaskDefinition", definition).Errors);
        var runError = Assert.Single(Validate("RunTask", run).Errors);

        Assert.Equal("Invalid value for parameter requiresCompatibilities[1], value: LAMBDA, valid values: EC2, FARGATE, EXTERNAL", definitionError);
        Assert.Equal("Invalid value for parameter networkConfiguration.awsvpcConfiguration.assignPublicIp, value: MAYBE, valid values: ENABLED, DISABLED", runError);
    }

    [Fact]
    public void Validate_ShapeSharedByTwoContainers_IsCheckedInEach()
    {
        var request = EcsTestClients.TaskDefinition("f");
        var second = request["containerDefinitions"]![0]!.DeepClone().AsObject();
        second["name"] = "sidecar";
        request["containerDefinitions"]!.AsArray().Add(second);
        request["containerDefinitions"]![0]!["environment"]![0]!["nam"] = "typo";
        second["environment"]![0]!["value"] = 1;

        var errors = Validate("RegisterTaskDefinition", request).Errors;

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("Unknown parameter in \"containerDefinitions[0].environment[0]\": \"nam\", must be one of: name, value", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("Invalid type for parameter containerDefinitions[1].environment[0].value, value: 1", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownOperation_IsReported()
    {
        var result = Validate("LaunchRocket", []);

        Assert.Equal("Unknown operation: LaunchRocket", Assert.Single(result.Errors));
        Assert.False(AwsModels.Ecs.HasOperation("LaunchRocket"));
        Assert.True(AwsModels.Ecs.HasOperation("RunTask"));
    }

    [Fact]
    public void Validate_TaggingGetResources_ChecksItsOwnModel()
    {
        var good = new JsonObject
        {
            ["TagFilters"] = new JsonArray(new JsonObject { ["Key"] = "PrefectFlowId", ["Values"] = new JsonArray("1a2b3c4d") }),
            ["ResourceTypeFilters"] = new JsonArray("ecs:task-definition"),
        };
        var bad = new JsonObject { ["TagFilters"] = new JsonArray(new JsonObject { ["key"] = "lowercase" }) };

        Assert.True(AwsModels.Tagging.Validate("GetResources", good).IsValid);
        Assert.Contains(AwsModels.Tagging.Validate("GetResources", bad).Errors, e => e.Contains("\"key\"", StringComparison.Ordinal));
    }
}
