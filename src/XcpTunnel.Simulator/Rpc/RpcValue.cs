using System.Globalization;

namespace XcpTunnel.Simulator.Rpc;

/// <summary>
/// The RPC value model shared by both transports: <see cref="string"/>, <see cref="long"/> (XAPI int64),
/// <see cref="bool"/>, <see cref="double"/>, <c>IReadOnlyList&lt;object?&gt;</c>, <c>IReadOnlyDictionary&lt;string, object?&gt;</c>, null.
/// </summary>
internal static class RpcValue
{
    /// <summary>A string parameter; XAPI clients sometimes send refs as other scalars, which is a type error.</summary>
    public static string AsString(object? value, string parameterName) =>
        value as string ?? throw new XapiFailureException(XapiErrors.FieldTypeError, parameterName);

    public static double AsDouble(object? value, string parameterName) => value switch
    {
        double d => d,
        long l => l,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => throw new XapiFailureException(XapiErrors.FieldTypeError, parameterName),
    };

    public static IReadOnlyList<string> AsStringList(object? value, string parameterName) => value switch
    {
        IReadOnlyList<object?> list => list.Select(v => AsString(v, parameterName)).ToList(),
        _ => throw new XapiFailureException(XapiErrors.FieldTypeError, parameterName),
    };
}
