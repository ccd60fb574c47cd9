using System.Globalization;
using System.IO.Enumeration;
using Microsoft.Extensions.Configuration;
using XcpTunnel.Protocol.Xapi.Records;

namespace XcpTunnel.Configuration;

/// <summary>
/// Which VMs of a pool get a generated tunnel (<c>AutoTunnels:Match</c>): <c>all</c>, <c>tag:NAME</c> (the VM's
/// <c>tags</c> hold NAME exactly), <c>name:GLOB</c> or a bare GLOB (the name-label, with <c>*</c> and <c>?</c>,
/// case-sensitive like name-labels everywhere else). Several rules: a VM matching any of them.
/// </summary>
internal sealed class VmMatch
{
    public const string Help = "all, tag:NAME, name:GLOB (or a bare name-label GLOB with * and ?), or a list of them";

    private const string TagPrefix = "tag:";
    private const string NamePrefix = "name:";

    private readonly IReadOnlyList<(string? Tag, string? Glob)> _rules;
    private readonly string _text;

    private VmMatch(IReadOnlyList<(string? Tag, string? Glob)> rules, string text)
    {
        _rules = rules;
        _text = text;
    }

    /// <summary>The rules as written under <paramref name="key"/>, or null after reporting what is wrong with them.</summary>
    public static VmMatch? Read(IReadOnlyList<string?>? texts, string key, ConfigDiagnostics diagnostics)
    {
        if (texts is null or { Count: 0 })
        {
            diagnostics.Error(key, "missing; " + Help);
            return null;
        }

        List<(string?, string?)> rules = [];
        var valid = true;
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i]?.Trim() ?? string.Empty;
            var ruleKey = texts.Count == 1 ? key : ConfigurationPath.Combine(key, i.ToString(CultureInfo.InvariantCulture));
            var (tag, glob) = text switch
            {
                _ when string.Equals(text, "all", StringComparison.OrdinalIgnoreCase) => ((string?)null, "*"),
                _ when text.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase) => (text[TagPrefix.Length..].Trim(), null),
                _ when text.StartsWith(NamePrefix, StringComparison.OrdinalIgnoreCase) => (null, text[NamePrefix.Length..].Trim()),
                _ => (null, text),
            };
            if (tag is "" || glob is "")
            {
                diagnostics.Error(ruleKey, $"'{text}' matches nothing; expected {Help}");
                valid = false;
                continue;
            }

            rules.Add((tag, glob));
        }

        return valid ? new VmMatch(rules, string.Join(", ", texts.Select(t => t?.Trim()))) : null;
    }

    /// <summary>Whether <paramref name="vm"/> matches a rule; templates, snapshots and dom0 are the caller's to leave out.</summary>
    public bool Matches(VmRecord vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        foreach (var (tag, glob) in _rules)
        {
            if (tag is not null ? vm.Tags.Contains(tag, StringComparer.Ordinal) : FileSystemName.MatchesSimpleExpression(glob, vm.NameLabel, ignoreCase: false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>As written, for messages.</summary>
    public override string ToString() => _text;
}
