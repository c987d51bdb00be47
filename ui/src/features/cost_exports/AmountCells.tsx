// The three amounts of a cost figure (cost, commitments in it, pay-as-you-go value), as table
// headings and cells: the same columns on the Costs page and in Billing.
import { formatMoney } from "../../format";

/** The amount columns' headings of a cost figure: cost, commitments in it, retail value. */
export function AmountHeads() {
  return (
    <>
      <th scope="col" className="num">
        Cost
      </th>
      <th scope="col" className="num">
        Of which reservations + savings plans
      </th>
      <th scope="col" className="num">
        At pay-as-you-go prices
      </th>
    </>
  );
}

/** The amount cells under [`AmountHeads`]; the cost carries its exact text in `data-amount`. */
export function AmountCells({
  figure: t,
  testId,
}: {
  figure: { cost: string; commitmentCost: string; paygCost: string; currency: string };
  testId: string | undefined;
}) {
  return (
    <>
      <td className="num" data-testid={testId} data-amount={t.cost}>
        {formatMoney(t.cost, t.currency)}
      </td>
      <td className="num">{formatMoney(t.commitmentCost, t.currency)}</td>
      <td className="num">{formatMoney(t.paygCost, t.currency)}</td>
    </>
  );
}

