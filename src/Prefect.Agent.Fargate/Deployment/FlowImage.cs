using System.Text.Json.Nodes;
using Prefect.Agent.Fargate.Kwargs;

namespace Prefect.Agent.Fargate.Deployment;

/// <summary>The original's <c>get_flow_image</c> and <c>get_flow_run_command</c> (reference 3.4).</summary>
internal static class FlowImage
{
    private static readonly LooseVersion FlowRunCommandSince = LooseVersion.Parse("0.13.0");

    /// <summary>Resolves the image of a run.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The image.</returns>
    /// <exception cref="DeploymentPlanException">No image can be found.</exception>
    public static string Resolve(FlowRun run)
    {
        var flow = run.Flow;
        if (run.RunConfig is not null || flow.Environment is null)
        {
            // Run-config mode: Docker storage beats run_config.image.
            if (IsDocker(flow.Storage))
            {
                return DockerStorageName(flow);
            }

            if (KwargValue.TryGetString(run.RunConfig?["image"], out var image) && image.Length > 0)
            {
                return image;
            }

            var core = string.IsNullOrEmpty(flow.CoreVersion) ? "latest" : flow.CoreVersion;
            return "prefecthq/prefect:" + core.Split('+')[0];
        }

        // Environment mode: the environment's metadata beats Docker storage.
        if (flow.Environment["metadata"] is JsonObject metadata && KwargValue.TryGetString(metadata["image"], out var metadataImage))
        {
            return metadataImage;
        }

        if (IsDocker(flow.Storage))
        {
            return DockerStorageName(flow);
        }

        throw new DeploymentPlanException(
            $"Storage for flow run {run.Id} is not of type Docker and environment has no `image` attribute in the metadata field.");
    }

    /// <summary>The command a flow container runs: <c>prefect execute flow-run</c> from core 0.13.0 on.</summary>
    /// <param name="coreVersion">The flow's Prefect core version.</param>
    /// <returns>The command.</returns>
    public static string Command(string? coreVersion)
        => LooseVersion.Parse(string.IsNullOrEmpty(coreVersion) ? "0.0.0" : coreVersion).IsLowerThan(FlowRunCommandSince)
            ? "prefect execute cloud-flow"
            : "prefect execute flow-run";

    /// <summary>Joins like Python's <c>str(PurePosixPath(a, b))</c>: an absolute <paramref name="name"/> wins, <c>//</c> and <c>.</c> segments collapse.</summary>
    /// <param name="registry">The registry URL, may be empty.</param>
    /// <param name="name">The image name.</param>
    /// <returns>The joined path.</returns>
    public static string PosixJoin(string registry, string name)
    {
        var path = name.StartsWith('/') || registry.Length == 0 ? name : registry + "/" + name;
        var leading = path.Length - path.TrimStart('/').Length;
        var root = leading == 2 ? "//" : leading > 0 ? "/" : string.Empty;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".");
        var joined = root + string.Join('/', segments);
        return joined.Length == 0 ? "." : joined;
    }

    private static bool IsDocker(JsonObject? storage)
        => KwargValue.TryGetString(storage?["type"], out var type) && type == "Docker";

    private static string DockerStorageName(FlowInfo flow)
    {
        var storage = flow.Storage!;
        KwargValue.TryGetString(storage["registry_url"], out var registry);
        if (!KwargValue.TryGetString(storage["image_name"], out var name) || name.Length == 0
            || !KwargValue.TryGetString(storage["image_tag"], out var tag) || tag.Length == 0)
        {
            throw new DeploymentPlanException(
                $"Docker storage is missing required fields image_name and image_tag (flow '{flow.Name}', id {flow.Id}): register the flow again with Docker storage that was built and pushed, or use another storage with an image in the run config.");
        }

        return PosixJoin(registry, name) + ":" + tag;
    }
}
