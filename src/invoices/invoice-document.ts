import PDFDocument from 'pdfkit';

import { formatAmount, formatDate, formatDay, formatHoursNumber } from '../core/format/danish.js';
import { Decimal, type DecimalInput } from '../core/money/money.js';
import type { InvoiceIssuer, InvoiceWithLines, PaymentDetails } from './invoices.repository.js';

export type { InvoiceIssuer, PaymentDetails };

/**
 * The FIK payment id (+71: 15 digits) for an invoice number: the number's digits padded to 14, and a
 * modulus-10 check digit (weights 2, 1, … from the right, digit sums added), as the +71 slip wants it.
 */
export function fikPaymentId(invoiceNumber: string): string {
  const digits = invoiceNumber.replace(/\D/g, '').slice(-14).padStart(14, '0');
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    const weight = (digits.length - index) % 2 === 1 ? 2 : 1;
    const product = Number(digits[index]) * weight;
    sum += product > 9 ? product - 9 : product;
  }
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

/**
 * How to pay, one line each, in the words a Danish customer expects: bank transfer (reg. and account
 * number), the FIK line of a +71 slip, MobilePay, and the invoice number to write. Without any detail on
 * the tenant: one line asking the customer to get in touch.
 */
export function paymentLines(details: PaymentDetails, invoiceNumber: string): string[] {
  const lines: string[] = [];
  if (details.bankRegNo && details.bankAccountNo)
    lines.push(`Bankoverførsel: reg.nr. ${details.bankRegNo}, kontonr. ${details.bankAccountNo}`);
  if (details.fikCreditorNo)
    lines.push(`Indbetalingskort: +71<${fikPaymentId(invoiceNumber)}+${details.fikCreditorNo}<`);
  if (details.mobilePayNumber) lines.push(`MobilePay: ${details.mobilePayNumber}`);
  if (lines.length === 0) return ['Kontakt os for at høre, hvordan du kan betale.'];
  lines.push(`Skriv fakturanummer ${invoiceNumber} ved betalingen.`);
  return lines;
}

/** "25": a VAT rate in percent as the invoice prints it ("12,5" for a half). */
export function formatRate(rate: DecimalInput): string {
  return new Decimal(rate).toDecimalPlaces(2).toString().replace('.', ',');
}

const A4_MARGIN = 50;

/**
 * The invoice as a PDF (A4, the standard Helvetica, Danish text): the issuer with CVR and address, the
 * customer, number and dates, the lines excl. VAT, VAT and the total in DKK, and how to pay. A date
 * column is a calendar day at midnight UTC, so dates are read in UTC.
 */
export function renderInvoicePdf(invoice: InvoiceWithLines, issuer: InvoiceIssuer): Promise<Buffer> {
  const number = invoice.number ?? invoice.reference;
  const doc = new PDFDocument({
    size: 'A4',
    margin: A4_MARGIN,
    info: { Title: `Faktura ${number}`, Author: issuer.name, CreationDate: invoice.issueDate ?? undefined },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * A4_MARGIN;
  const left = A4_MARGIN;

  doc.font('Helvetica-Bold').fontSize(16).text(issuer.name);
  doc.font('Helvetica').fontSize(10);
  if (issuer.address) doc.text(issuer.address);
  if (issuer.cvr) doc.text(`CVR-nr. ${issuer.cvr}`);
  doc.moveDown(1.5);

  doc
    .font('Helvetica-Bold')
    .fontSize(20)
    .text(invoice.kind === 'credit_note' ? 'Kreditnota' : 'Faktura');
  doc.font('Helvetica').fontSize(10).moveDown(0.5);
  doc.text(`Fakturanr.: ${number}`);
  if (invoice.issueDate) doc.text(`Fakturadato: ${formatDay(invoice.issueDate, 'UTC')}`);
  if (invoice.dueDate) doc.text(`Betales senest: ${formatDate(invoice.dueDate, 'UTC')}`);
  doc.text(`Reference: ${invoice.reference}`);
  doc.moveDown();

  doc.font('Helvetica-Bold').text('Kunde');
  doc.font('Helvetica').text(invoice.customerName);
  if (invoice.customerAddress) doc.text(invoice.customerAddress);
  if (invoice.customerCvr) doc.text(`CVR-nr. ${invoice.customerCvr}`);
  doc.moveDown(1.5);

  const columns = [
    { title: 'Beskrivelse', x: left, width: width * 0.46, align: 'left' as const },
    { title: 'Antal', x: left + width * 0.46, width: width * 0.12, align: 'right' as const },
    { title: 'Pris ekskl. moms', x: left + width * 0.58, width: width * 0.21, align: 'right' as const },
    { title: 'Beløb ekskl. moms', x: left + width * 0.79, width: width * 0.21, align: 'right' as const },
  ];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    let bottom = y;
    cells.forEach((cell, index) => {
      const column = columns[index]!;
      doc.text(cell, column.x, y, { width: column.width, align: column.align });
      bottom = Math.max(bottom, doc.y);
    });
    doc.x = left;
    doc.y = bottom + 4;
  };
  row(
    columns.map((column) => column.title),
    true,
  );
  for (const line of invoice.lines) {
    row([
      line.description,
      formatHoursNumber(line.quantity),
      formatAmount(line.unitPrice),
      formatAmount(line.netAmount),
    ]);
  }
  doc.moveDown();

  const vatRate = invoice.lines[0]?.vatRate ?? 25;
  const totals: [string, string, boolean][] = [
    ['Beløb ekskl. moms', `${formatAmount(invoice.subtotal)} kr.`, false],
    [`Moms ${formatRate(vatRate)} %`, `${formatAmount(invoice.vatAmount)} kr.`, false],
    [`I alt ${invoice.currency}`, `${formatAmount(invoice.total)} kr.`, true],
  ];
  for (const [label, amount, bold] of totals) {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    doc.text(label, left + width * 0.5, y, { width: width * 0.29, align: 'right' });
    doc.text(amount, left + width * 0.79, y, { width: width * 0.21, align: 'right' });
    doc.x = left;
  }
  doc.moveDown(2);

  doc.font('Helvetica-Bold').text('Betaling', left);
  doc.font('Helvetica');
  for (const line of paymentLines(issuer, number)) doc.text(line);
  doc.end();
  return done;
}
