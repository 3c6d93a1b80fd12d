using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Prefect.Agent.Fargate;

/// <summary>Formats validation messages the same way on every path: option, bad value, fix.</summary>
internal static class OptionValueFormatter
{
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => "'" + s + "'",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    public static string Message(string option, object? value, string problem, string fix) =>
        $"{option} {problem}, but was {Format(value)}. {fix}".TrimEnd();

    public static ValidationResult Failure(ValidationContext context, object? value, string problem, string fix)
    {
        // No member names: the options result builder would prefix them ("MaxPolls: MaxPolls must ..."), and the
        // message already starts with the option's name, as the cross-field messages do.
        var name = context.MemberName ?? context.DisplayName;
        return new ValidationResult(Message(name, value, problem, fix));
    }
}
