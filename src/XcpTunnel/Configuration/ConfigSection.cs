using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace XcpTunnel.Configuration;

/// <summary>
/// One object of the layered configuration, read key by key and typed: each accessor reports a bad value under the
/// key's full path and returns null, so reading goes on and every error is found at once. The keys an object is asked
/// for are the keys it knows: <see cref="ReportUnknownKeys"/> then names every other key written in an object that was
/// read (a misspelt key would otherwise be ignored without a word: a pin that never applies, a tunnel without its
/// <c>AllowRemote</c>). So a reader asks for all of an object's keys before it decides anything.
/// </summary>
internal sealed class ConfigSection
{
    // Null for an object that is not written, or written as a single value: it has no keys.
    private readonly IConfiguration? _configuration;
    private readonly List<string> _known = [];
    private readonly Dictionary<string, ConfigSection> _opened = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool _namedEntries;
    private Dictionary<string, IConfigurationSection>? _children;

    private ConfigSection(IConfiguration? configuration, string path, bool namedEntries, ConfigDiagnostics diagnostics)
    {
        _configuration = configuration;
        Path = path;
        _namedEntries = namedEntries;
        Diagnostics = diagnostics;
    }

    /// <summary>The full key path (<c>Tunnels:db01</c>); empty for the root.</summary>
    public string Path { get; }

    public ConfigDiagnostics Diagnostics { get; }

    /// <summary>
    /// The longest any seconds setting may be: 30 days. A timer cannot wait longer than about 49.7 days (2^32 - 2 ms),
    /// so a larger value would pass here and fail where its timer is made; and no timeout needs a month.
    /// </summary>
    public const int MaxSeconds = 30 * 24 * 60 * 60;

    /// <summary>The keys written in this object, as spelt there; for <c>Pools</c> and <c>Tunnels</c>, the entries' names.</summary>
    public IEnumerable<string> Names => Children.Keys;

    // Keys are case-insensitive in every layer; the environment may spell one differently from the file.
    private Dictionary<string, IConfigurationSection> Children =>
        _children ??= (_configuration?.GetChildren() ?? []).ToDictionary(c => c.Key, StringComparer.OrdinalIgnoreCase);

    public static ConfigSection Root(IConfiguration configuration, ConfigDiagnostics diagnostics) =>
        new(configuration, string.Empty, namedEntries: false, diagnostics);

    /// <summary>The full path of <paramref name="name"/> in this object, for messages.</summary>
    public string Key(string name) => Path.Length == 0 ? name : ConfigurationPath.Combine(Path, name);

    public void Error(string name, string message) => Diagnostics.Error(Key(name), message);

    /// <summary>A single value, trimmed; null when unset or blank.</summary>
    public string? Text(string name)
    {
        if (Child(name) is not { } child)
        {
            return null;
        }

        if (child.GetChildren().Any())
        {
            Error(name, "expected a single value, not an object or a list");
            return null;
        }

        return string.IsNullOrWhiteSpace(child.Value) ? null : child.Value.Trim();
    }

    /// <summary>A value that must be given: null after reporting "missing; <paramref name="what"/>".</summary>
    public string? Required(string name, string what)
    {
        var text = Text(name);
        if (text is null && Children.GetValueOrDefault(name)?.GetChildren().Any() is not true)
        {
            Error(name, "missing; " + what);
        }

        return text;
    }

    /// <summary>Whether the key is written at all, even as an empty list or object.</summary>
    public bool Has(string name) => Child(name) is not null;

    /// <summary>A path relative to the configuration file's directory (<paramref name="baseDirectory"/>), made absolute.</summary>
    public string? FullPath(string name, string baseDirectory) =>
        Text(name) is { } path ? System.IO.Path.GetFullPath(path, baseDirectory) : null;

    public bool? Flag(string name, bool fallback = false) => Read(name, fallback, text =>
        bool.TryParse(text, out var value) ? value : Invalid<bool>(name, $"'{text}' is not true or false"));

    /// <summary>A whole number of at least <paramref name="minimum"/>; <paramref name="fallback"/> when unset.</summary>
    public int? Integer(string name, int fallback, int minimum) => Read(name, fallback, text =>
        WholeNumber(name, text, seconds: false) is not { } value ? null
        : value >= minimum ? value
        : Invalid<int>(name, $"{value} is less than {minimum}"));

    /// <summary>
    /// Whole seconds, up to <see cref="MaxSeconds"/>; 0 is allowed only when <paramref name="allowZero"/>;
    /// <paramref name="fallback"/> when unset.
    /// </summary>
    public TimeSpan? Seconds(string name, TimeSpan fallback, bool allowZero) => Read(name, fallback, text =>
        WholeNumber(name, text, seconds: true) is not { } value ? null
        : value > MaxSeconds ? Invalid<TimeSpan>(name, TooLong(text))
        : value > 0 || (value == 0 && allowZero) ? TimeSpan.FromSeconds(value)
        : Invalid<TimeSpan>(name, allowZero ? $"{value} is negative" : $"{value} must be a positive number of seconds"));

    /// <summary>
    /// A list: null when unset, empty when written empty (<c>[]</c>, a decision such as "no one"). A single value is a
    /// list of one when <paramref name="example"/> is null, else an error showing the example.
    /// </summary>
    public IReadOnlyList<string>? List(string name, string? example)
    {
        if (Child(name) is not { } child)
        {
            return null;
        }

        List<string> items = [.. child.GetChildren().Select(item => item.Value ?? string.Empty)];
        if (items.Count > 0 || string.IsNullOrEmpty(child.Value))
        {
            return items;
        }

        if (example is null)
        {
            return [child.Value];
        }

        Error(name, "expected a list such as " + example);
        return null;
    }

    /// <summary>
    /// A nested object; empty when unset, or after reporting a single value where it belongs (which would otherwise
    /// quietly mean the defaults). Asking again gives the same object.
    /// </summary>
    public ConfigSection Object(string name) => Open(name, namedEntries: false);

    /// <summary>An object of named entries (<c>Pools</c>, <c>Tunnels</c>): any name is a key; <see cref="Names"/> lists them.</summary>
    public ConfigSection Entries(string name) => Open(name, namedEntries: true);

    /// <summary>Names every key written in an object that was read but never asked for, with the keys that were.</summary>
    public void ReportUnknownKeys()
    {
        if (!_namedEntries)
        {
            foreach (var child in Children.Values.Where(c => !_known.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
            {
                Diagnostics.Error(child.Path, $"unknown key; expected one of {string.Join(", ", _known)}");
            }
        }

        foreach (var section in _opened.Values)
        {
            section.ReportUnknownKeys();
        }
    }

    private ConfigSection Open(string name, bool namedEntries)
    {
        if (_opened.TryGetValue(name, out var opened))
        {
            return opened;
        }

        var child = Child(name);
        if (!string.IsNullOrEmpty(child?.Value))
        {
            Error(name, namedEntries ? "expected an object of named entries" : "expected an object { \"Key\": value, … }, not a single value");
            child = null;
        }

        return _opened[name] = new ConfigSection(child, Key(name), namedEntries, Diagnostics);
    }

    // The key's value as parse reads it, or fallback when the key is unset; parse reports a bad value and returns null.
    private T? Read<T>(string name, T fallback, Func<string, T?> parse)
        where T : struct =>
        Text(name) is { } text ? parse(text) : fallback;

    private T? Invalid<T>(string name, string message)
        where T : struct
    {
        Error(name, message);
        return null;
    }

    private static string TooLong(string text) => $"{text} seconds is too long (at most {MaxSeconds}, 30 days)";

    private int? WholeNumber(string name, string text, bool seconds)
    {
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        // A whole number, only too large for an int: worth saying so rather than "not a whole number".
        var tooLarge = System.Numerics.BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        return Invalid<int>(name, (tooLarge, seconds) switch
        {
            (true, true) => TooLong(text),
            (true, false) => $"{text} is too large (at most {int.MaxValue})",
            (false, true) => $"'{text}' is not a whole number of seconds",
            (false, false) => $"'{text}' is not a whole number",
        });
    }

    private IConfigurationSection? Child(string name)
    {
        if (!_known.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            _known.Add(name);
        }

        return Children.GetValueOrDefault(name);
    }
}
