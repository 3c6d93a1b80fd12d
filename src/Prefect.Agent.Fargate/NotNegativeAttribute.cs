using System.ComponentModel.DataAnnotations;

namespace Prefect.Agent.Fargate;

/// <summary>A number or duration must be zero or more; the message carries the bad value and the fix.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class NotNegativeAttribute : ValidationAttribute
{
    /// <summary>Gets or sets the sentence that tells the user how to fix the value.</summary>
    public string Fix { get; set; } = string.Empty;

    /// <inheritdoc/>
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) => value switch
    {
        null => ValidationResult.Success,
        int i when i >= 0 => ValidationResult.Success,
        TimeSpan t when t >= TimeSpan.Zero => ValidationResult.Success,
        _ => OptionValueFormatter.Failure(validationContext, value, "must not be negative", Fix),
    };
}
