import { Col, Form, Input, Row } from 'antd';
import { useTranslation } from 'react-i18next';

type Name = (string | number)[];

/** A text in both languages (zh-CN first), as the playbook stores it: `{zh-CN, en-US}`. */
export function TextPair({
  name,
  label,
  required = false,
  multiline = false,
}: {
  name: Name;
  label: string;
  required?: boolean;
  multiline?: boolean;
}) {
  const { t } = useTranslation();
  const rules = required ? [{ required: true, message: t('admin.form.required') }] : [];
  const Field = multiline ? Input.TextArea : Input;
  return (
    <Row gutter={8}>
      <Col xs={24} sm={12}>
        <Form.Item name={[...name, 'zh-CN']} label={t('admin.form.inChinese', { label })} rules={rules}>
          <Field maxLength={500} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name={[...name, 'en-US']} label={t('admin.form.inEnglish', { label })} rules={rules}>
          <Field maxLength={500} />
        </Form.Item>
      </Col>
    </Row>
  );
}
