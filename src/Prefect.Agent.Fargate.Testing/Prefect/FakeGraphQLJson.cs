using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQLParser.AST;

namespace Prefect.Agent.Fargate.Testing.Prefect;

/// <summary>
/// The fake's small executor pieces: GraphQL argument values as JSON, Hasura <c>*_bool_exp</c> filters over JSON rows,
/// and projection of a full JSON row onto a selection set (so the answer holds exactly the fields asked for).
/// </summary>
internal static class FakeGraphQLJson
{
    private static readonly HashSet<string> ComparisonOperators = new(StringComparer.Ordinal)
    {
        "_eq", "_neq", "_in", "_nin", "_lt", "_lte", "_gt", "_gte", "_is_null", "_like",
    };

    public static string NameOf(GraphQLName name) => new(name.Value.Span);

    /// <summary>The arguments of a field as a JSON object, variables substituted.</summary>
    public static JsonObject Arguments(GraphQLField field, JsonObject variables)
    {
        var result = new JsonObject();
        foreach (var argument in field.Arguments?.Items ?? [])
        {
            result[NameOf(argument.Name)] = ToJson(argument.Value, variables);
        }

        return result;
    }

    public static JsonNode? ToJson(GraphQLValue value, JsonObject variables) => value switch
    {
        GraphQLVariable v => variables[NameOf(v.Name)]?.DeepClone(),
        GraphQLNullValue => null,
        GraphQLStringValue s => JsonValue.Create(new string(s.Value.Span)),
        GraphQLIntValue i => JsonValue.Create(long.Parse(i.Value.Span, CultureInfo.InvariantCulture)),
        GraphQLFloatValue f => JsonValue.Create(double.Parse(f.Value.Span, CultureInfo.InvariantCulture)),
        GraphQLBooleanValue b => JsonValue.Create(b.BoolValue),
        GraphQLEnumValue e => JsonValue.Create(NameOf(e.Name)),
        GraphQLListValue l => new JsonArray((l.Values ?? []).Select(v => ToJson(v, variables)).ToArray()),
        GraphQLObjectValue o => new JsonObject((o.Fields ?? []).Select(f => KeyValuePair.Create(NameOf(f.Name), ToJson(f.Value, variables)))),
        _ => null,
    };

    /// <summary>Whether a row matches a Hasura boolean expression.</summary>
    public static bool Matches(JsonObject row, JsonObject? expression)
    {
        if (expression is null)
        {
            return true;
        }

        foreach (var (key, condition) in expression)
        {
            var ok = key switch
            {
                "_and" => condition is JsonArray all && all.OfType<JsonObject>().All(e => Matches(row, e)),
                "_or" => condition is JsonArray any && any.OfType<JsonObject>().Any(e => Matches(row, e)),
                "_not" => !Matches(row, condition as JsonObject),
                _ => MatchesColumn(row[key], condition as JsonObject),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The columns a Hasura boolean expression reads, through <c>_and</c>, <c>_or</c> and <c>_not</c>: a row holding only
    /// these columns matches (<see cref="Matches"/>) exactly as the full row does.
    /// </summary>
    public static HashSet<string> ColumnsOf(JsonObject expression)
    {
        var columns = new HashSet<string>(StringComparer.Ordinal);
        Collect(expression, columns);
        return columns;

        static void Collect(JsonObject? expression, HashSet<string> columns)
        {
            foreach (var (key, condition) in expression ?? [])
            {
                switch (key)
                {
                    case "_and" or "_or":
                        foreach (var item in (condition as JsonArray ?? []).OfType<JsonObject>())
                        {
                            Collect(item, columns);
                        }

                        break;
                    case "_not":
                        Collect(condition as JsonObject, columns);
                        break;
                    default:
                        columns.Add(key);
                        break;
                }
            }
        }
    }

    /// <summary>Projects a value onto a selection set, filtering array fields that have a <c>where</c> argument.</summary>
    public static JsonNode? Project(JsonNode? value, GraphQLSelectionSet? selection, JsonObject variables)
    {
        if (value is null || selection is null)
        {
            return value?.DeepClone();
        }

        if (value is JsonArray array)
        {
            return new JsonArray(array.Select(item => Project(item, selection, variables)).ToArray());
        }

        if (value is not JsonObject row)
        {
            return value.DeepClone();
        }

        var result = new JsonObject();
        foreach (var field in selection.Selections.OfType<GraphQLField>())
        {
            var name = NameOf(field.Name);
            var key = field.Alias is { } alias ? NameOf(alias.Name) : name;
            if (name == "__typename")
            {
                continue;
            }

            var child = row[name];
            if (child is JsonArray items && Arguments(field, variables)["where"] is JsonObject where)
            {
                child = new JsonArray(items.OfType<JsonObject>().Where(item => Matches(item, where)).Select(item => (JsonNode?)item.DeepClone()).ToArray());
            }

            result[key] = Project(child, field.SelectionSet, variables);
        }

        return result;
    }

    private static bool MatchesColumn(JsonNode? value, JsonObject? condition)
    {
        if (condition is null)
        {
            return true;
        }

        var isComparison = condition.Any(p => ComparisonOperators.Contains(p.Key));
        if (!isComparison)
        {
            return value switch
            {
                JsonArray rows => rows.OfType<JsonObject>().Any(r => Matches(r, condition)),
                JsonObject row => Matches(row, condition),
                _ => false,
            };
        }

        foreach (var (op, operand) in condition)
        {
            var ok = op switch
            {
                "_eq" => Compare(value, operand) == 0,
                "_neq" => Compare(value, operand) != 0,
                "_in" => operand is JsonArray list && list.Any(o => AreEqual(value, o)),
                "_nin" => operand is JsonArray list && !list.Any(o => AreEqual(value, o)),
                "_lt" => value is not null && Compare(value, operand) < 0,
                "_lte" => value is not null && Compare(value, operand) <= 0,
                "_gt" => value is not null && Compare(value, operand) > 0,
                "_gte" => value is not null && Compare(value, operand) >= 0,
                "_is_null" => (value is null) == (operand is JsonValue b && b.GetValue<bool>()),
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Orders rows as Hasura's <c>order_by</c> (a list of <c>{ column: asc|desc }</c>, or one such object), then applies
    /// <c>offset</c> and <c>limit</c>. Hasura puts nulls last in ascending order, first in descending.
    /// </summary>
    public static IEnumerable<JsonObject> OrderAndPage(IEnumerable<JsonObject> rows, JsonObject args)
    {
        var orders = OrdersOf(args);
        IEnumerable<JsonObject> result = rows;
        if (orders.Count > 0)
        {
            // Each row's keys are read once (a timestamp parsed once, not at every comparison).
            var keyed = rows.Select(row => (Row: row, Keys: orders.Select(o => SortKey(row[o.Key])).ToArray())).ToList();
            var descending = orders.Select(o => FakeStates.Text(o.Value) == "desc").ToArray();
            // A stable sort: rows that tie keep the store's order, as get_runs_in_queue's (Postgres gives ties in an
            // unspecified order; the fake gives them in one order everywhere).
            var comparer = Comparer<(JsonObject Row, IComparable?[] Keys)>.Create((a, b) =>
            {
                for (var i = 0; i < descending.Length; i++)
                {
                    var (x, y) = (a.Keys[i], b.Keys[i]);
                    var order = x is null || y is null
                        ? (x is null ? 1 : 0) - (y is null ? 1 : 0)
                        : x.GetType() == y.GetType() ? x.CompareTo(y) : string.CompareOrdinal(x.ToString(), y.ToString());
                    if (order != 0)
                    {
                        return descending[i] ? -order : order;
                    }
                }

                return 0;
            });
            keyed = keyed.Order(comparer).ToList();
            result = keyed.Select(k => k.Row);
        }

        if (IntOf(args["offset"]) is { } skip)
        {
            result = result.Skip(skip);
        }

        return IntOf(args["limit"]) is { } take ? result.Take(take) : result;
    }

    // An Int argument (a literal is parsed as a long, a variable keeps its JSON number).
    private static int? IntOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && int.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    // A column's value as Compare orders it: numbers, UUIDs, timestamps, else text.
    private static IComparable? SortKey(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return node?.ToJsonString();
        }

        if (value.GetValueKind() == JsonValueKind.Number)
        {
            return value.GetValue<double>();
        }

        var text = FakeStates.Text(value) ?? value.ToJsonString();
        return Guid.TryParse(text, out var uuid) ? uuid
            : text.Length >= 10 && text[4] == '-' && FakeStates.ParseTime(text) is { } time ? time
            : text;
    }

    // Equality as Compare decides it, without parsing two UUIDs in the same (canonical) form: the ids of _in/_nin lists.
    private static bool AreEqual(JsonNode? value, JsonNode? operand) =>
        value is JsonValue v && operand is JsonValue o && v.GetValueKind() == JsonValueKind.String && o.GetValueKind() == JsonValueKind.String
        && v.GetValue<string>() is { Length: 36 } a && o.GetValue<string>() is { Length: 36 } b
        && a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-' && b[8] == '-' && b[13] == '-' && b[18] == '-' && b[23] == '-'
            ? string.Equals(a, b, StringComparison.OrdinalIgnoreCase)
            : Compare(value, operand) == 0;

    /// <summary>The columns an <c>order_by</c> argument reads.</summary>
    public static IEnumerable<string> OrderColumnsOf(JsonObject args) => OrdersOf(args).Select(o => o.Key);

    private static List<KeyValuePair<string, JsonNode?>> OrdersOf(JsonObject args) => args["order_by"] switch
    {
        JsonArray list => list.OfType<JsonObject>().SelectMany(o => o).ToList(),
        JsonObject one => one.ToList(),
        _ => [],
    };

    private static int Compare(JsonNode? left, JsonNode? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null ? 0 : left is null ? -1 : 1;
        }

        if (left is JsonValue l && right is JsonValue r)
        {
            if (l.GetValueKind() == JsonValueKind.Number && r.GetValueKind() == JsonValueKind.Number)
            {
                return l.GetValue<double>().CompareTo(r.GetValue<double>());
            }

            var a = FakeStates.Text(l) ?? l.ToJsonString();
            var b = FakeStates.Text(r) ?? r.ToJsonString();
            if (Guid.TryParse(a, out var ga) && Guid.TryParse(b, out var gb))
            {
                return ga.CompareTo(gb);
            }

            if (a.Length >= 10 && b.Length >= 10 && a[4] == '-' && b[4] == '-' && FakeStates.ParseTime(a) is { } ta && FakeStates.ParseTime(b) is { } tb)
            {
                return ta.CompareTo(tb);
            }

            return string.CompareOrdinal(a, b);
        }

        return string.CompareOrdinal(left.ToJsonString(), right.ToJsonString());
    }
}
