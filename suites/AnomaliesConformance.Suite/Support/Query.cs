using System.Globalization;

namespace AnomaliesConformance.Suite.Support;

/// <summary>Builds query strings with repeated keys for arrays (status=Active&amp;status=Acknowledged).</summary>
public static class Query
{
    public static string String(params (string Name, object Value)[] parameters)
    {
        if (parameters.Length == 0)
        {
            return "";
        }

        return "?" + string.Join("&", parameters.Select(p =>
            Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? "")));
    }
}
