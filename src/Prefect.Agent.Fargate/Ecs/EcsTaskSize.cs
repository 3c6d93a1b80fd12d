using System.Globalization;
using System.Text.RegularExpressions;

namespace Prefect.Agent.Fargate.Ecs;

/// <summary>
/// ECS's task-level <c>cpu</c> and <c>memory</c> units: RegisterTaskDefinition accepts <c>"1 vCPU"</c> and <c>"2 GB"</c>
/// and stores them as CPU units and MiB (<c>"1024"</c>, <c>"2048"</c>), which is what DescribeTaskDefinition answers.
/// </summary>
internal static partial class EcsTaskSize
{
    /// <summary>Converts a task-level cpu or memory text to the units ECS stores; other members and texts are returned as they are.</summary>
    /// <param name="member">The member name (<c>cpu</c> or <c>memory</c>).</param>
    /// <param name="text">The value as text.</param>
    /// <returns>The value ECS would answer.</returns>
    public static string Normalize(string member, string text)
    {
        var unit = member switch
        {
            "cpu" => "vcpu",
            "memory" => "gb",
            _ => null,
        };
        var match = unit is null ? Match.Empty : SizePattern().Match(text);
        if (!match.Success
            || !string.Equals(match.Groups["unit"].Value, unit, StringComparison.OrdinalIgnoreCase)
            || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return text;
        }

        return decimal.Truncate(number * 1024).ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\s*(?<number>\d+(?:\.\d+)?)\s*(?<unit>[A-Za-z]+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();
}
