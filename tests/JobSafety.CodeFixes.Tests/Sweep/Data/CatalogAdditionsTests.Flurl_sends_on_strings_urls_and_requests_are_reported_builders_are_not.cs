using System.Net.Http;
using System.Threading.Tasks;
using Flurl;
using Flurl.Http;

public record Shipment(int OrderId, string Address);

public class Shipping
{
    private readonly IFlurlClient _client;
    public Shipping(IFlurlClient client) { _client = client; }

    public async Task Ship(Npgsql.NpgsqlConnection conn, Shipment shipment, string token)
    {
        await using var tx = await conn.BeginTransactionAsync();

        // Building a request sends nothing.
        var url = "https://carrier.example".AppendPathSegment("shipments").SetQueryParams(new { express = true });
        var request = url.WithHeader("X-Tenant", "acme").WithOAuthBearerToken(token).AllowAnyHttpStatus();
        var label = _client.Request("labels", shipment.OrderId);

        var quote = await "https://carrier.example/quote".GetJsonAsync<decimal>();
        await url.PostJsonAsync(shipment);
        await request.PutJsonAsync(shipment);
        await label.GetStringAsync();
        await request.SendAsync(HttpMethod.Delete);
        await label.DownloadFileAsync("/tmp", "label.pdf");
        await "https://carrier.example/docs".PostMultipartAsync(mp => mp.AddString("id", "1"));

        await tx.CommitAsync();
        await url.PostJsonAsync(shipment);
    }
}