namespace Prefect.Agent.Fargate.Tests.Architecture;

/// <summary>
/// The rooms of <c>src/Prefect.Agent.Fargate</c> and the directions their imports may take (docs/architecture.md).
/// Fails naming each type that references a room it must not.
/// </summary>
public sealed class NamespaceDependencyTests
{
    private const string Root = "Prefect.Agent.Fargate";

    // What each room may reference besides itself. The order of the docs: lowest first.
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Kwargs"] = ["Contracts"],
        ["Contracts"] = ["Kwargs"],
        ["Deployment"] = ["Contracts", "Kwargs"],
        ["Configuration"] = ["Contracts", "Kwargs"],
        ["Diagnostics"] = ["Contracts", "Kwargs"],
        ["Pipeline"] = ["Contracts", "Kwargs", "Deployment", "Configuration", "Diagnostics"],
        ["Polling"] = ["Contracts", "Kwargs", "Deployment", "Configuration", "Diagnostics", "Pipeline"],
        ["Aws"] = ["Contracts", "Kwargs"],
        ["Ecs"] = ["Contracts", "Kwargs", "Aws"],
        ["Ecs.Client"] = ["Contracts", "Kwargs", "Aws", "Ecs"],
        ["Ecs.Model"] = ["Contracts", "Kwargs", "Ecs"],
        ["Prefect"] = ["Contracts", "Kwargs"],
        ["S3"] = ["Contracts", "Kwargs", "Aws"],
        ["Composition"] = ["Contracts", "Kwargs", "Deployment", "Configuration", "Diagnostics", "Aws", "Ecs.Client", "Ecs.Model", "Ecs", "Prefect", "S3"],
        ["Agent"] = ["Contracts", "Kwargs", "Deployment", "Configuration", "Diagnostics", "Pipeline", "Polling", "Composition"],
        ["Hosting"] = ["Contracts", "Kwargs", "Deployment", "Configuration", "Diagnostics", "Pipeline", "Polling", "Composition", "Agent", "Aws", "Ecs.Client", "Ecs.Model", "Ecs", "Prefect", "S3"],
    };

    // References that stay, each with its reason: "From -> To" as full type names.
    private static readonly Dictionary<string, string> AllowList = new(StringComparer.Ordinal)
    {
        [$"{Root}.FargateAgent -> {Root}.Ecs.EcsAgentServices"] =
            "The agent holds the ECS bundle the composition root created (registry and launcher over one client) to dispose it; " +
            "the next step is a composition-owned seam set, so that the agent names no adapter.",
    };

    [Fact]
    public void EveryType_ReferencesOnlyTheRoomsItsRoomMayUse()
    {
        var edges = TypeReferenceScanner.Scan(typeof(FargateAgent).Assembly.Location);
        var violations = new List<string>();
        var rooms = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var edge in edges)
        {
            var from = RoomOf(edge.From);
            var to = RoomOf(edge.To);
            if (from is null || to is null)
            {
                continue;
            }

            rooms.Add(from);
            if (from != to && !Allowed[from].Contains(to) && !AllowList.ContainsKey($"{edge.From} -> {edge.To}"))
            {
                violations.Add($"{from} -> {to}: {edge.From} -> {edge.To}");
            }
        }

        Assert.True(violations.Count == 0, "References against the rooms' directions (docs/architecture.md):\n" + string.Join("\n", violations));
        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), rooms);
    }

    [Fact]
    public void AllowList_NamesOnlyReferencesThatExist()
    {
        var edges = TypeReferenceScanner.Scan(typeof(FargateAgent).Assembly.Location).Select(e => $"{e.From} -> {e.To}").ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain(AllowList.Keys, k => !edges.Contains(k));
    }

    [Fact]
    public void Scanner_SeesReferencesMadeOnlyInsideMethodBodies()
    {
        // FargateAgent's constructor calls the composition root; no field or signature of FargateAgent names it.
        var edges = TypeReferenceScanner.Scan(typeof(FargateAgent).Assembly.Location);

        Assert.Contains(new TypeEdge($"{Root}.FargateAgent", $"{Root}.Composition.AgentComposition"), edges);
    }

    // The room of a top-level type: its namespace below the root; the root's public surface is "Contracts", except the
    // agent class itself; the DI extension methods (namespace Microsoft.Extensions.DependencyInjection) are Hosting's.
    // Types outside these namespaces (compiler and source-generator output) belong to no room.
    private static string? RoomOf(string fullName)
    {
        var lastDot = fullName.LastIndexOf('.');
        var ns = lastDot < 0 ? string.Empty : fullName[..lastDot];
        if (ns == "Microsoft.Extensions.DependencyInjection")
        {
            return "Hosting";
        }

        if (fullName == $"{Root}.FargateAgent")
        {
            return "Agent";
        }

        if (ns == Root)
        {
            return "Contracts";
        }

        return ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..] : null;
    }
}
