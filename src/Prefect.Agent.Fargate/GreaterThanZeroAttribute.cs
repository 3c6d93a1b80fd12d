using System.ComponentModel.DataAnnotations;

namespace Prefect.Agent.Fargate;

/// <summary>
/// A number or duration must be greater than zero. Unlike <see cref="RangeAttribute"/>, the message carries the bad
/// value and the fix, which is what a user needs when the agent refuses to start.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class GreaterThanZeroAttribute : ValidationAttribute
{
    /// <summary>Gets or sets the sentence that tells the user how to fix the value.</summary>
    public string Fix { get; set; } = string.Empty;

    /// <inheritdoc/>
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) => value switch
    {
        null => ValidationResult.Success,
        int i when i > 0 => ValidationResult.Success,
        TimeSpan t when t > TimeSpan.Zero => ValidationResult.Success,
        _ => OptionValueFormatter.Failure(validationContext, value, "must be greater than zero", Fix),
    };
}
