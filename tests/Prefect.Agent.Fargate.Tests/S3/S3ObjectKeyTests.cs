using Prefect.Agent.Fargate.S3;

namespace Prefect.Agent.Fargate.Tests.S3;

public sealed class S3ObjectKeyTests
{
    [Theory]
    [InlineData("prefect", "flow #1", "a718df81-1111-2222-3333-444455556666", "prefect/flow-1/a718df81.json")]
    [InlineData(null, "My Flow", "abcdef12-0000", "my-flow/abcdef12.json")]
    [InlineData("", "My Flow", "abcdef12-0000", "my-flow/abcdef12.json")]
    [InlineData("pre/fix/", "My Flow", "abcdef12-0000", "pre/fix/my-flow/abcdef12.json")]
    [InlineData("/abs", "My Flow", "abcdef12-0000", "/abs/my-flow/abcdef12.json")]
    [InlineData("/", "My Flow", "abcdef12-0000", "/my-flow/abcdef12.json")]
    [InlineData("a/b/c", "ETL: Daily (v2)", "0123456789abcdef", "a/b/c/etl-daily-v2/01234567.json")]
    public void Build_PrefixNameAndId_JoinsLikePosixPathJoin(string? prefix, string name, string id, string expected)
    {
        Assert.Equal(expected, S3ObjectKey.Build(prefix, name, id, S3Test.Slug));
    }
}

