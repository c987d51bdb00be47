// A run's warnings: the items Microsoft sent that the run could not read (an essential field
// missing, such as a line's amount), each with the invoice, page, index and field, and the
// item as sent. The run read and wrote everything else; Reconciliation counts these lines.
import { useQuery } from "@tanstack/react-query";
import { read } from "../../data/queryClient";
import { importsKeys } from "./queries";
import { importsListSetAside } from "../../ipc/commands";
import { formatCount } from "../../format";
import { Failed } from "../../components/QueryState";

export function SetAsideItems({ runId, warnings }: { runId: string; warnings: number }) {
  const items = useQuery({
    queryKey: importsKeys.setAside(runId),
    queryFn: () => read(importsListSetAside(runId)),
  });
  if (items.isError) return <Failed error={items.error} lead="The set-aside items could not be read:" />;
  if (items.data === undefined) return <p className="hint">Loading the set-aside items…</p>;
  return (
    <div className="set-aside" data-testid="run-set-aside">
      <p>
        {formatCount(warnings)} {warnings === 1 ? "item" : "items"} set aside: Microsoft sent {warnings === 1 ? "it" : "them"} without a field
        they cannot do without. Everything else was read.
      </p>
      <table className="grid compact entity-table">
        <caption className="visually-hidden">Items set aside</caption>
        <thead>
          <tr>
            <th scope="col">Invoice</th>
            <th scope="col" className="num">
              Page
            </th>
            <th scope="col" className="num">
              Item
            </th>
            <th scope="col">Field</th>
            <th scope="col">As sent</th>
          </tr>
        </thead>
        <tbody>
          {items.data.map((s) => (
            <tr key={`${s.endpoint}/${String(s.page)}/${String(s.index)}`} data-testid="set-aside-item">
              <td className="mono" title={s.endpoint}>
                {s.invoiceId ?? "—"}
              </td>
              <td className="num">{formatCount(s.page)}</td>
              <td className="num">{formatCount(s.index)}</td>
              <td className="mono" title={s.reason}>
                {s.field}
              </td>
              <td>
                <details>
                  <summary>{s.current ? "JSON" : "JSON (read again since)"}</summary>
                  <pre className="mono">{s.raw}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
