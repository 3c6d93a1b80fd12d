using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Deployment;

/// <summary>The pure part of deploying a run (reference section 3): kwargs merge, family, image, command, container, RunTask body.</summary>
internal sealed class DeploymentPlanner : IDeploymentPlanner
{
    /// <summary>The longest task-definition family ECS accepts.</summary>
    public const int MaxFamilyLength = 255;

    /// <summary>Initializes a new instance of the <see cref="DeploymentPlanner"/> class.</summary>
    /// <param name="options">The agent's resolved options (environment fallbacks applied).</param>
    /// <param name="agentKwargs">The agent's parsed kwargs.</param>
    public DeploymentPlanner(AgentOptions options, ParsedKwargs agentKwargs)
    {
        Options = options;
        AgentKwargs = agentKwargs;
    }

    public AgentOptions Options { get; }

    public ParsedKwargs AgentKwargs { get; }

    /// <summary>The RunTask <c>clientToken</c> of a run: stable for one (run, version), new for a rescheduled run.</summary>
    /// <param name="flowRunId">The flow run id.</param>
    /// <param name="version">The run's version after Submitted.</param>
    /// <returns>At most 64 characters of <c>[A-Za-z0-9_-]</c>.</returns>
    public static string ClientToken(string flowRunId, int version)
    {
        var readable = $"{flowRunId}-{version}";
        if (readable.Length <= 64 && readable.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return readable;
        }

        // Ids that are not UUIDs: a digest keeps the token short, valid and still deterministic.
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{flowRunId}\n{version}"))).ToLowerInvariant();
    }

    /// <summary>Gets whether a value is a valid ECS <c>startedBy</c>: up to 36 letters, digits, hyphens, underscores or slashes.</summary>
    /// <param name="value">The value (a flow run id).</param>
    /// <returns><see langword="true"/> when ECS takes it.</returns>
    public static bool IsStartedByValue(string value) =>
        value.Length is > 0 and <= 36 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/');

    /// <summary>Plans the deployment of a run.</summary>
    /// <param name="run">The run.</param>
    /// <param name="version">The run's version after Submitted (for the RunTask client token).</param>
    /// <param name="externalKwargs">The flow's external kwargs, if any (parsed with the same pipeline, no env fallback).</param>
    /// <returns>The plan.</returns>
    /// <exception cref="DeploymentPlanException">The run cannot be deployed (image, family, kwargs); the message is the Failed text.</exception>
    public DeploymentPlan Plan(FlowRun run, int version, JsonObject? externalKwargs) => Plan(run, version, externalKwargs, registeredTenantId: null);

    /// <summary>Plans the deployment of a run, with the tenant the backend answered at registration.</summary>
    /// <param name="run">The run.</param>
    /// <param name="version">The run's version after Submitted (for the RunTask client token).</param>
    /// <param name="externalKwargs">The flow's external kwargs, if any (parsed with the same pipeline, no env fallback).</param>
    /// <param name="registeredTenantId">
    /// The tenant the backend answered at registration: the flow container gets it as <c>PREFECT__CLOUD__TENANT_ID</c>
    /// with the API key when <see cref="AgentOptions.TenantId"/> is not set.
    /// </param>
    /// <returns>The plan.</returns>
    /// <exception cref="DeploymentPlanException">The run cannot be deployed (image, family, kwargs); the message is the Failed text.</exception>
    public DeploymentPlan Plan(FlowRun run, int version, JsonObject? externalKwargs, string? registeredTenantId)
    {
        ArgumentNullException.ThrowIfNull(run);
        var flow = run.Flow;
        var id8 = Id8(flow.Id);

        // 3.1: per-run copies; the agent's dictionaries are never mutated.
        var taskDefinition = (JsonObject)AgentKwargs.TaskDefinition.DeepClone();
        var runKwargs = (JsonObject)AgentKwargs.Run.DeepClone();
        var container = (JsonObject)AgentKwargs.Container.DeepClone();

        // 3.2: external kwargs replace top-level keys, dictionary by dictionary.
        if (externalKwargs is not null)
        {
            ParsedKwargs external;
            try
            {
                external = KwargsParser.Parse(externalKwargs, environment: null);
            }
            catch (KwargsException ex)
            {
                throw new DeploymentPlanException($"External kwargs of flow '{flow.Name}' (id {id8}) are invalid: {ex.Message}", ex);
            }

            Update(taskDefinition, external.TaskDefinition);
            Update(runKwargs, external.Run);
            Update(container, external.Container);
        }

        // 3.3: family.
        string family;
        if (Options.EnableTaskRevisions)
        {
            family = RevisionFamily(flow);
            taskDefinition["tags"] = RevisionTags(taskDefinition["tags"], id8, flow);
        }
        else
        {
            family = "prefect-task-" + id8;
        }

        // 3.4: image and command, before any ECS call.
        var image = FlowImage.Resolve(run);
        var command = FlowImage.Command(flow.CoreVersion);

        // 3.6: registration body.
        var definition = FlowContainer.Definition(Options, image, command, container, flow.Name);
        var register = RegisterBody(family, definition, taskDefinition);

        // 3.7: RunTask body without taskDefinition.
        var runTask = new JsonObject { ["overrides"] = FlowContainer.Overrides(Options, run, registeredTenantId) };
        AppendRunKwargs(runTask, runKwargs);

        // Not in the original: the run's tasks can be found again by startedBy (ListTasks) after a crash. The user's own
        // startedBy, from the kwargs, wins; an id ECS would refuse as startedBy is left out.
        if (!runTask.ContainsKey("startedBy") && IsStartedByValue(run.Id))
        {
            runTask["startedBy"] = run.Id;
        }

        var clientToken = ClientToken(run.Id, version);
        runTask["clientToken"] = clientToken;

        // No AWS request carries a null member (kwargs' null means "not set").
        KwargValue.RemoveNulls(register);
        KwargValue.RemoveNulls(runTask);

        return new DeploymentPlan
        {
            TaskDefinition = new TaskDefinitionRequest
            {
                Family = family,
                RegisterRequest = register,
                FlowId8 = id8,
                FlowVersion = flow.Version,
                TaskRevisions = Options.EnableTaskRevisions,
            },
            RunTask = runTask,
            Image = image,
            Command = command,
            ClientToken = clientToken,
        };
    }

    /// <summary>Plans <c>validate_configuration</c>'s busybox test task (reference section 6).</summary>
    /// <param name="family">The test family, <c>prefect-test-task-&lt;8 chars&gt;</c>.</param>
    /// <returns>The RegisterTaskDefinition and RunTask bodies.</returns>
    public (JsonObject RegisterTaskDefinition, JsonObject RunTask) PlanValidation(string family)
    {
        ArgumentNullException.ThrowIfNull(family);
        var environment = AgentKwargs.Container["environment"];
        var definition = new JsonObject
        {
            ["name"] = "test-container",
            ["image"] = "busybox",
            ["command"] = new JsonArray("/bin/sh", "-c", "echo 'I am alive!'"),
            ["environment"] = KwargValue.IsFalsy(environment) ? new JsonArray() : environment!.DeepClone(),
            ["essential"] = true,
        };
        FlowContainer.AddOptional(definition, AgentKwargs.Container, apiKeySecretArn: null, flowName: family);
        var register = RegisterBody(family, definition, (JsonObject)AgentKwargs.TaskDefinition.DeepClone());

        var runTask = new JsonObject
        {
            ["taskDefinition"] = family,
            ["overrides"] = new JsonObject { ["containerOverrides"] = new JsonArray() },
        };
        AppendRunKwargs(runTask, (JsonObject)AgentKwargs.Run.DeepClone());
        return (register, runTask);
    }

    private static string Id8(string id) => id.Length <= 8 ? id : id[..8];

    private static void Update(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            target[key] = value?.DeepClone();
        }
    }

    private static string RevisionFamily(FlowInfo flow)
    {
        var slug = Slugify.Slug(flow.Name);
        if (slug.Length == 0)
        {
            throw new DeploymentPlanException(
                $"Flow '{flow.Name}' has no letter or digit that slugify keeps, so its task-definition family would be empty: rename the flow to include ASCII letters or digits, or turn off EnableTaskRevisions (families are then prefect-task-<flow id prefix>).");
        }

        if (slug.Length > MaxFamilyLength)
        {
            throw new DeploymentPlanException(
                $"Flow '{flow.Name[..Math.Min(flow.Name.Length, 60)]}...' gives a task-definition family of {slug.Length} characters, more than the {MaxFamilyLength} ECS accepts: shorten the flow name, or turn off EnableTaskRevisions (families are then prefect-task-<flow id prefix>).");
        }

        return slug;
    }

    private static JsonArray RevisionTags(JsonNode? current, string id8, FlowInfo flow)
    {
        JsonArray tags;
        if (KwargValue.IsFalsy(current))
        {
            tags = [];
        }
        else
        {
            tags = current!.DeepClone() as JsonArray ?? throw new DeploymentPlanException(
                $"The tags kwarg must be a list of {{\"key\": ..., \"value\": ...}} dictionaries (flow '{flow.Name}'), got {current.ToJsonString()}.");
        }

        // str(flow.version): a missing version is Python's "None".
        var values = new (string Key, string Value)[] { ("PrefectFlowId", id8), ("PrefectFlowVersion", flow.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None") };
        foreach (var (key, value) in values)
        {
            var found = false;
            foreach (var tag in tags)
            {
                if (tag is not JsonObject entry || !entry.ContainsKey("key"))
                {
                    throw new DeploymentPlanException(
                        $"The tags kwarg must be a list of {{\"key\": ..., \"value\": ...}} dictionaries (flow '{flow.Name}'); this entry is not: {tag?.ToJsonString() ?? "None"}.");
                }

                if (KwargValue.TryGetString(entry["key"], out var existing) && existing == key)
                {
                    entry["value"] = value;
                    found = true;
                }
            }

            if (!found)
            {
                tags.Add((JsonNode)new JsonObject { ["key"] = key, ["value"] = value });
            }
        }

        return tags;
    }

    private JsonObject RegisterBody(string family, JsonObject definition, JsonObject taskDefinition)
    {
        var networkMode = taskDefinition["networkMode"]?.DeepClone() ?? "awsvpc";
        taskDefinition.Remove("networkMode");
        var body = new JsonObject
        {
            ["family"] = family,
            ["networkMode"] = networkMode,
            ["containerDefinitions"] = new JsonArray(definition),
        };
        Update(body, taskDefinition);
        if (!string.IsNullOrEmpty(Options.LaunchType))
        {
            body["requiresCompatibilities"] = new JsonArray(Options.LaunchType);
        }

        return body;
    }

    private void AppendRunKwargs(JsonObject runTask, JsonObject runKwargs)
    {
        Update(runTask, runKwargs);

        // ECS refuses launchType together with a capacity provider strategy (issue 4): the strategy wins.
        if (!string.IsNullOrEmpty(Options.LaunchType) && KwargValue.IsFalsy(runKwargs["capacityProviderStrategy"]))
        {
            runTask["launchType"] = Options.LaunchType;
        }
    }
}
