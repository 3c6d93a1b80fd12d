namespace Prefect.Agent.Fargate.Kwargs;

/// <summary>python-slugify's defaults (reference appendix B). Placeholder so the S3 key builder compiles: the kwargs work writes it.</summary>
internal static class Slugify
{
    public static string Slug(string text) => throw new NotImplementedException();
}
