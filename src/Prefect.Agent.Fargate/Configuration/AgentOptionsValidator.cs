using Microsoft.Extensions.Options;

namespace Prefect.Agent.Fargate.Configuration;

/// <summary>
/// The validator generated from the DataAnnotations on <see cref="AgentOptions"/> (no reflection, AOT-safe). Used on
/// both paths: by <c>AddFargateAgent</c> at host start and by the <see cref="FargateAgent"/> constructor.
/// </summary>
[OptionsValidator]
internal sealed partial class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
}
