namespace Prefect.Agent.Fargate.Internal;

/// <summary>Parses botocore_config's dictionary form. Owned by the foundation work; placeholder until then.</summary>
internal static class BotocoreConfigParser
{
    public static BotocoreConfig Parse(string text) => throw new NotImplementedException();
}
